package org.skein.admin;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.skein.user.UserAlreadyExistsException;
import org.skein.user.UserManager;
import org.skein.user.UserNotFoundException;

/** The node's accounts, a page at a time: create, delete, reset a password. */
final class UsersPage implements AdminPage {

    static final int PAGE_SIZE = 50;

    @Override
    public void get(AdminExchange exchange, String subpath) throws IOException {
        if (subpath != null) {
            exchange.error(404, exchange.message("error.notFound"));
            return;
        }
        UserManager users = exchange.node().userManager();
        int page = Math.max(0, parseInt(exchange.param("page")));
        int total = users.count();
        List<String> names = users.usernames(page * PAGE_SIZE, PAGE_SIZE);
        Map<String, Object> model = new HashMap<>();
        model.put("users", names);
        model.put("total", total);
        model.put("page", page);
        model.put("hasPrevious", page > 0);
        model.put("hasNext", (page + 1) * PAGE_SIZE < total);
        exchange.render("users", model);
    }

    @Override
    public void post(AdminExchange exchange, String action) throws IOException {
        UserManager users = exchange.node().userManager();
        String username = exchange.param("username");
        try {
            switch (action) {
                case "create":
                    users.createUser(username, exchange.request().getParameter("password"), exchange.param("name"), exchange.param("email"));
                    exchange.redirect("/users", exchange.message("users.created", UserManager.normalize(username)));
                    return;
                case "delete":
                    if (exchange.console().accounts().isAdmin(username) && username.equalsIgnoreCase(exchange.admin())) {
                        exchange.redirect("/users", exchange.message("users.notYourself"));
                        return;
                    }
                    users.deleteUser(username);
                    exchange.redirect("/users", exchange.message("users.deleted", UserManager.normalize(username)));
                    return;
                case "password":
                    users.setPassword(username, exchange.request().getParameter("password"));
                    exchange.redirect("/users", exchange.message("users.passwordChanged", UserManager.normalize(username)));
                    return;
                default:
                    exchange.error(404, exchange.message("error.notFound"));
            }
        } catch (UserAlreadyExistsException | UserNotFoundException | IllegalArgumentException e) {
            exchange.redirect("/users", exchange.message("users.failed", e.getMessage()));
        }
    }

    private static int parseInt(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
