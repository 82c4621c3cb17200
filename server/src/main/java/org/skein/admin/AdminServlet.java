package org.skein.admin;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.skein.ServerContext;
import org.skein.auth.LoginThrottle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's front door: login and logout, the login requirement for every other page, the
 * CSRF check of every POST, and dispatch to the pages by path ({@code /users}, {@code /users/create}).
 *
 * <p>Nothing is done for a browser that has not logged in beyond what it asked for: no HTTP session
 * exists before a login succeeds (the login form's CSRF token is a cookie, see {@link LoginForms}),
 * and a POST from a browser without an admin session is refused before its body is read (an
 * anonymous upload never reaches the disk). A multipart POST carries its CSRF token in the query
 * string, so that it too is checked before the body is read.
 *
 * <p>Logins go through the node's {@link LoginThrottle}, the one XMPP logins use: every answer,
 * success or failure, waits for the attempt's delay (asynchronously: no request thread sleeps), an
 * attempt the throttle refuses gets 429, and a browser that logged in before as that admin (its
 * device cookie) never pays for other clients' guesses on the account.
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
            if (exchange.admin() != null) {
                response.sendRedirect("/"); // logged in already
                return;
            }
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
        if (path.equals("/login")) {
            if (!console.loginForms().isValid(request, request.getParameter(CsrfTokens.PARAMETER))) {
                LOG.warn("Admin console: refused a login from {} without a valid CSRF token", request.getRemoteAddr());
                exchange.error(403, exchange.message("error.csrf"));
                return;
            }
            login(exchange);
            return;
        }
        // nothing of the body is read before the browser is known to be a logged-in admin with a valid token
        HttpSession session = request.getSession(false);
        if (exchange.admin() == null) {
            LOG.info("Admin console: refused a POST to {} from {} without a login", path, request.getRemoteAddr());
            refuseWithoutReading(exchange, 403, exchange.message("error.loginFirst"));
            return;
        }
        String token = isMultipart(request) ? queryParameter(request, CsrfTokens.PARAMETER) : request.getParameter(CsrfTokens.PARAMETER);
        if (!CsrfTokens.isValid(session, token)) {
            LOG.warn("Admin console: refused a POST to {} from {} without a valid CSRF token", path, request.getRemoteAddr());
            refuseWithoutReading(exchange, 403, exchange.message("error.csrf"));
            return;
        }
        if (path.equals("/logout")) {
            session.invalidate();
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

    /** Answers without reading the request body; the connection is closed, so the client stops sending. */
    private static void refuseWithoutReading(AdminExchange exchange, int status, String message) throws IOException {
        exchange.response().setHeader("Connection", "close");
        exchange.error(status, message);
    }

    private static boolean isMultipart(HttpServletRequest request) {
        String type = request.getContentType();
        return type != null && type.toLowerCase(Locale.ROOT).startsWith("multipart/");
    }

    /** A parameter of the query string only (reading {@code getParameter} would parse the body). */
    private static String queryParameter(HttpServletRequest request, String name) {
        String query = request.getQueryString();
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (key.equals(name)) {
                return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private void showLogin(AdminExchange exchange, String error) throws IOException {
        Map<String, Object> model = new java.util.HashMap<>();
        model.put("noAdmin", !console.accounts().anyAdminExists());
        model.put("error", error);
        model.put("adminNames", String.join(", ", console.accounts().adminNames()));
        exchange.render("login", model);
    }

    private void login(AdminExchange exchange) throws IOException {
        HttpServletRequest request = exchange.request();
        String address = request.getRemoteAddr();
        String username = exchange.param("username");
        String device = console.loginForms().deviceOrNew(request);
        String client = LoginThrottle.clientKey(literalAddress(address));
        LoginThrottle.Attempt attempt = console.throttle().begin(client, LoginThrottle.accountKey(username), "device:" + device);
        if (attempt.refused()) {
            long seconds = Math.max(1, console.throttle().settings().maxDelay().toSeconds());
            LOG.warn("Admin console: refused a login as '{}' from {}: too many attempts for the account are under way", username, address);
            exchange.response().setStatus(429);
            exchange.response().setHeader("Retry-After", Long.toString(seconds));
            showLogin(exchange, exchange.message("login.throttled", seconds));
            return;
        }
        boolean correct = console.accounts().authenticate(username, request.getParameter("password"));
        Duration wait = attempt.remaining();
        if (wait.isZero()) {
            answerLogin(exchange, attempt, username, correct, device);
            return;
        }
        AsyncContext async = request.startAsync();
        async.setTimeout(wait.toMillis() + 60_000);
        try {
            console.scheduler().schedule(() -> {
                try {
                    answerLogin(exchange, attempt, username, correct, device);
                } catch (IOException | RuntimeException e) {
                    LOG.debug("Admin console: the login answer to {} failed: {}", address, e.toString());
                    attempt.abandoned();
                } finally {
                    async.complete();
                }
            }, wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            attempt.abandoned(); // the console is stopping
            async.complete();
        }
    }

    /** Sends the answer to a login once its delay is over: the dashboard for the right password, the form again otherwise. */
    private void answerLogin(AdminExchange exchange, LoginThrottle.Attempt attempt, String username, boolean correct, String device)
            throws IOException {
        String address = exchange.request().getRemoteAddr();
        if (correct) {
            attempt.succeeded();
            HttpSession old = exchange.request().getSession(false);
            if (old != null) {
                old.invalidate(); // a new session id after login: no session fixation
            }
            HttpSession session = exchange.request().getSession(true);
            session.setAttribute(AdminExchange.USER_ATTRIBUTE, LoginThrottle.accountKey(username));
            console.loginForms().rememberDevice(exchange.request(), exchange.response(), device);
            LOG.info("Admin console: {} logged in from {}", username, address);
            exchange.response().sendRedirect("/");
            return;
        }
        attempt.failed();
        LOG.warn("Admin console: failed login as '{}' from {}", username, address);
        exchange.response().setStatus(401);
        showLogin(exchange, exchange.message("login.failed"));
    }

    private static InetAddress literalAddress(String address) {
        try {
            return address == null ? null : InetAddress.getByName(address); // a literal: no name lookup
        } catch (IOException e) {
            return null;
        }
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
