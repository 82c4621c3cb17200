package org.skein.admin;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.skein.ServerContext;

/** One request to the console: parameters, the operator's session and locale, and ways to answer. */
final class AdminExchange {

    static final String USER_ATTRIBUTE = "skein.admin";
    private static final String FLASH_ATTRIBUTE = "skein.flash";

    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private final ServerContext node;
    private final AdminConsole console;
    private final Locale locale;

    AdminExchange(HttpServletRequest request, HttpServletResponse response, ServerContext node, AdminConsole console) {
        this.request = request;
        this.response = response;
        this.node = node;
        this.console = console;
        this.locale = Templates.localeOf(request);
    }

    HttpServletRequest request() {
        return request;
    }

    HttpServletResponse response() {
        return response;
    }

    ServerContext node() {
        return node;
    }

    AdminConsole console() {
        return console;
    }

    Locale locale() {
        return locale;
    }

    String param(String name) {
        String value = request.getParameter(name);
        return value == null ? "" : value.trim();
    }

    /** The logged-in admin, or null. */
    String admin() {
        HttpSession session = request.getSession(false);
        return session == null ? null : (String) session.getAttribute(USER_ATTRIBUTE);
    }

    String message(String key, Object... args) {
        String pattern = Templates.bundle(locale).getString(key);
        return args.length == 0 ? pattern : new java.text.MessageFormat(pattern, locale).format(args);
    }

    /**
     * Renders a page of the console layout with the common variables. A logged-in admin's forms carry
     * the session's CSRF token; a browser that has not logged in gets the login form's token cookie
     * and no session.
     */
    void render(String template, Map<String, Object> model) throws IOException {
        Map<String, Object> all = new HashMap<>(model);
        String admin = admin();
        HttpSession session = admin == null ? null : request.getSession(false);
        all.put("csrf", session == null ? console.loginForms().token(request, response) : CsrfTokens.tokenFor(session));
        all.put("admin", admin);
        all.put("nodeId", node.nodeId().value());
        all.put("version", node.version());
        all.put("pluginPages", console.pluginPagesRegistry().navigation(locale));
        all.put("lang", locale.toLanguageTag());
        Object flash = session == null ? null : session.getAttribute(FLASH_ATTRIBUTE);
        if (flash != null) {
            session.removeAttribute(FLASH_ATTRIBUTE);
            all.put("flash", flash);
        }
        console.templates().render(template, all, request, response, locale);
    }

    /** Redirects after a POST, with a message to show on the next page. */
    void redirect(String path, String flashMessage) throws IOException {
        if (flashMessage != null) {
            request.getSession(true).setAttribute(FLASH_ATTRIBUTE, flashMessage);
        }
        response.sendRedirect(path);
    }

    void error(int status, String message) throws IOException {
        response.setStatus(status);
        Map<String, Object> model = new HashMap<>();
        model.put("status", status);
        model.put("message", message);
        render("error", model);
    }

    void setLanguageCookie(String tag) {
        Cookie cookie = new Cookie("lang", tag);
        cookie.setPath("/");
        cookie.setHttpOnly(true);
        cookie.setMaxAge(365 * 24 * 3600);
        response.addCookie(cookie);
    }
}
