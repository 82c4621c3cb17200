package org.skein.admin;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.skein.ServerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's front door: login and logout, the login requirement for every other page, the
 * CSRF check of every POST, and dispatch to the pages by path ({@code /users}, {@code /users/create}).
 */
final class AdminServlet extends HttpServlet {

    private static final Logger LOG = LoggerFactory.getLogger(AdminServlet.class);
    private static final long serialVersionUID = 1L;

    private final transient ServerContext node;
    private final transient AdminConsole console;
    private final transient Map<String, AdminPage> pages;

    AdminServlet(ServerContext node, AdminConsole console, Map<String, AdminPage> pages) {
        this.node = node;
        this.console = console;
        this.pages = pages;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        AdminExchange exchange = new AdminExchange(request, response, node, console);
        String path = path(request);
        if (path.equals("/language")) {
            java.util.Locale chosen = Templates.supported(java.util.Locale.forLanguageTag(exchange.param("lang")));
            if (chosen != null) {
                exchange.setLanguageCookie(chosen.toLanguageTag());
            }
            response.sendRedirect(exchange.admin() == null ? "/login" : "/");
            return;
        }
        if (path.equals("/login")) {
            showLogin(exchange, null);
            return;
        }
        if (exchange.admin() == null) {
            response.sendRedirect("/login");
            return;
        }
        Route route = route(path);
        if (route == null) {
            exchange.error(404, exchange.message("error.notFound"));
            return;
        }
        route.page.get(exchange, route.action);
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        AdminExchange exchange = new AdminExchange(request, response, node, console);
        String path = path(request);
        HttpSession session = request.getSession(false);
        if (!CsrfTokens.isValid(session, request.getParameter(CsrfTokens.PARAMETER))) {
            LOG.warn("Admin console: refused a POST to {} from {} without a valid CSRF token", path, request.getRemoteAddr());
            exchange.error(403, exchange.message("error.csrf"));
            return;
        }
        if (path.equals("/login")) {
            login(exchange);
            return;
        }
        if (path.equals("/logout")) {
            session.invalidate();
            response.sendRedirect("/login");
            return;
        }
        if (exchange.admin() == null) {
            response.sendRedirect("/login");
            return;
        }
        Route route = route(path);
        if (route == null || route.action == null) {
            exchange.error(404, exchange.message("error.notFound"));
            return;
        }
        route.page.post(exchange, route.action);
    }

    private void showLogin(AdminExchange exchange, String error) throws IOException {
        Map<String, Object> model = new java.util.HashMap<>();
        model.put("noAdmin", !console.accounts().anyAdminExists());
        model.put("error", error);
        model.put("adminNames", String.join(", ", console.accounts().adminNames()));
        exchange.render("login", model);
    }

    private void login(AdminExchange exchange) throws IOException {
        String address = exchange.request().getRemoteAddr();
        Optional<Duration> wait = console.throttle().retryAfter(address);
        if (wait.isPresent()) {
            exchange.response().setStatus(429);
            exchange.response().setHeader("Retry-After", Long.toString(Math.max(1, wait.get().toSeconds())));
            showLogin(exchange, exchange.message("login.throttled", Math.max(1, wait.get().toSeconds())));
            return;
        }
        String username = exchange.param("username");
        if (console.accounts().authenticate(username, exchange.request().getParameter("password"))) {
            console.throttle().succeeded(address);
            HttpSession old = exchange.request().getSession(false);
            if (old != null) {
                old.invalidate(); // a new session id after login: no session fixation
            }
            HttpSession session = exchange.request().getSession(true);
            session.setAttribute(AdminExchange.USER_ATTRIBUTE, username.toLowerCase(java.util.Locale.ROOT));
            LOG.info("Admin console: {} logged in from {}", username, address);
            exchange.response().sendRedirect("/");
            return;
        }
        console.throttle().failed(address);
        LOG.warn("Admin console: failed login as '{}' from {}", username, address);
        exchange.response().setStatus(401);
        showLogin(exchange, exchange.message("login.failed"));
    }

    private static String path(HttpServletRequest request) {
        String path = request.getPathInfo() == null ? request.getServletPath() : request.getServletPath() + request.getPathInfo();
        if (path.isEmpty()) {
            return "/";
        }
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    /** "/users" → users page; "/users/create" → users page, action create; "/plugin/x/y" → plugin page. */
    private Route route(String path) {
        if (path.equals("/")) {
            return new Route(pages.get("/"), null);
        }
        String[] parts = path.substring(1).split("/", 2);
        AdminPage page = pages.get("/" + parts[0]);
        if (page == null) {
            return null;
        }
        return new Route(page, parts.length > 1 ? parts[1] : null);
    }

    private record Route(AdminPage page, String action) {
    }
}
