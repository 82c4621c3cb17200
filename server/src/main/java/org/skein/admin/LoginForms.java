package org.skein.admin;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;

/**
 * What the console knows about a browser before it logs in, without keeping anything for it: the
 * login form's CSRF token is a double-submit cookie (the form carries the cookie's value; another
 * site can neither read the cookie nor set it), and a browser that logged in before carries a
 * device cookie, a random id the login throttle trusts for the admin it logged in as. No HTTP
 * session exists before a login succeeds.
 */
final class LoginForms {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String tokenCookie;
    private final String deviceCookie;
    private final Duration deviceLifetime;

    /** @param suffix makes the cookie names the node's own (cookies are kept per host, not per port) */
    LoginForms(String suffix, Duration deviceLifetime) {
        this.tokenCookie = "SKEIN_LOGIN_" + suffix;
        this.deviceCookie = "SKEIN_DEVICE_" + suffix;
        this.deviceLifetime = deviceLifetime;
    }

    /** The login form's token: the browser's token cookie, set now if it has none. */
    String token(HttpServletRequest request, HttpServletResponse response) {
        String existing = cookie(request, tokenCookie);
        if (existing != null && existing.length() >= 16) {
            return existing;
        }
        String fresh = random();
        response.addCookie(cookie(tokenCookie, fresh, -1, request.isSecure()));
        return fresh;
    }

    /** Whether a login POST carries the token its browser's cookie holds (constant-time comparison). */
    boolean isValid(HttpServletRequest request, String submitted) {
        String expected = cookie(request, tokenCookie);
        return expected != null && submitted != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                submitted.getBytes(StandardCharsets.UTF_8));
    }

    /** The browser's device id, or {@code null} if it has none. */
    String device(HttpServletRequest request) {
        String id = cookie(request, deviceCookie);
        return id == null || id.length() < 16 || id.length() > 64 ? null : id;
    }

    /**
     * The device id a login attempt is trusted by: the browser's own, or a new one (which nobody is
     * trusted by yet) that the browser keeps if the login succeeds.
     */
    String deviceOrNew(HttpServletRequest request) {
        String id = device(request);
        return id == null ? random() : id;
    }

    /** Gives the browser its device id after a login (renewing the cookie's lifetime). */
    void rememberDevice(HttpServletRequest request, HttpServletResponse response, String id) {
        response.addCookie(cookie(deviceCookie, id, (int) Math.min(Integer.MAX_VALUE, deviceLifetime.toSeconds()), request.isSecure()));
    }

    private static Cookie cookie(String name, String value, int maxAge, boolean secure) {
        Cookie cookie = new Cookie(name, value);
        cookie.setSecure(secure);
        cookie.setPath("/");
        cookie.setHttpOnly(true);
        cookie.setMaxAge(maxAge);
        cookie.setAttribute("SameSite", "Strict");
        return cookie;
    }

    private static String cookie(HttpServletRequest request, String name) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return null;
        }
        for (Cookie cookie : cookies) {
            if (name.equals(cookie.getName())) {
                return cookie.getValue();
            }
        }
        return null;
    }

    private static String random() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
