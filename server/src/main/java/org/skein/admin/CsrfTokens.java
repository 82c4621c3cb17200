package org.skein.admin;

import jakarta.servlet.http.HttpSession;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * One random token per admin session, put in every form as a hidden {@code csrf} field and checked
 * on every POST, so a page of another site cannot make the operator's browser change the server.
 */
final class CsrfTokens {

    static final String PARAMETER = "csrf";
    private static final String ATTRIBUTE = "skein.csrf";
    private static final SecureRandom RANDOM = new SecureRandom();

    private CsrfTokens() {
    }

    static String tokenFor(HttpSession session) {
        Object token = session.getAttribute(ATTRIBUTE);
        if (token == null) {
            byte[] bytes = new byte[24];
            RANDOM.nextBytes(bytes);
            token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            session.setAttribute(ATTRIBUTE, token);
        }
        return (String) token;
    }

    /** Whether the submitted token is the session's token (constant-time comparison). */
    static boolean isValid(HttpSession session, String submitted) {
        if (session == null || submitted == null) {
            return false;
        }
        Object token = session.getAttribute(ATTRIBUTE);
        return token != null && MessageDigest.isEqual(((String) token).getBytes(StandardCharsets.UTF_8),
                submitted.getBytes(StandardCharsets.UTF_8));
    }
}
