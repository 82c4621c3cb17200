package org.skein.xmpp.sasl;

import java.nio.charset.StandardCharsets;
import org.skein.user.UserManager;

/**
 * SASL PLAIN (RFC 4616): {@code [authzid] NUL authcid NUL passwd}. Checked against the stored SCRAM
 * credentials (the password is never stored). Offered only over TLS unless the operator allows it
 * for a local demo.
 */
final class PlainMechanism implements SaslMechanism {

    static final String NAME = "PLAIN";

    private final UserManager users;
    private final String domain;
    private boolean initial = true;

    PlainMechanism(UserManager users, String domain) {
        this.users = users;
        this.domain = domain;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public SaslStep evaluate(byte[] response) {
        if (response.length == 0 && initial) {
            initial = false;
            return SaslStep.challenge(new byte[0]);
        }
        String message = new String(response, StandardCharsets.UTF_8);
        int first = message.indexOf('\0');
        int second = first < 0 ? -1 : message.indexOf('\0', first + 1);
        if (first < 0 || second < 0 || message.indexOf('\0', second + 1) >= 0) {
            return SaslStep.failure(SaslFailure.MALFORMED_REQUEST, "PLAIN expects [authzid] NUL authcid NUL password");
        }
        String authzid = message.substring(0, first);
        String authcid = message.substring(first + 1, second);
        String password = message.substring(second + 1);
        String username;
        try {
            username = UserManager.normalize(authcid);
        } catch (IllegalArgumentException e) {
            return SaslStep.wrongCredentials(null);
        }
        if (!Authzid.allowed(authzid, username, domain)) {
            return SaslStep.failure(SaslFailure.INVALID_AUTHZID, "you may only act as yourself");
        }
        if (password.isEmpty() || !users.checkPassword(username, password)) {
            return SaslStep.wrongCredentials(username);
        }
        return SaslStep.success(username, null);
    }
}
