package org.skein.xmpp.sasl;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.skein.auth.ScramAlgorithm;
import org.skein.auth.ScramCredentials;
import org.skein.user.UserManager;

/**
 * SASL PLAIN (RFC 4616): {@code [authzid] NUL authcid NUL passwd}. Checked against the stored SCRAM
 * credentials (the password is never stored); for a username that does not exist the password is
 * checked against made-up credentials, so the answer takes as long as for one that does. Offered
 * only over TLS unless the operator allows it for a local demo.
 */
final class PlainMechanism implements SaslMechanism {

    static final String NAME = "PLAIN";

    private final UserManager users;
    private final String domain;
    private final ScramMechanism.FakeCredentials fakes;
    private boolean initial = true;
    private String attempted;

    PlainMechanism(UserManager users, String domain, ScramMechanism.FakeCredentials fakes) {
        this.users = users;
        this.domain = domain;
        this.fakes = fakes;
    }

    @Override
    public String attemptedUsername() {
        return attempted;
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
        attempted = authcid;
        String username;
        try {
            username = UserManager.normalize(authcid);
        } catch (IllegalArgumentException e) {
            fakes.forUnknownUser(ScramAlgorithm.SHA_256, authcid).matches(password); // the same work as for a real name
            return SaslStep.wrongCredentials(null);
        }
        if (!Authzid.allowed(authzid, username, domain)) {
            return SaslStep.failure(SaslFailure.INVALID_AUTHZID, "you may only act as yourself");
        }
        Optional<ScramCredentials> stored = users.credentials(username, ScramAlgorithm.SHA_256);
        ScramCredentials credentials = stored.orElseGet(() -> fakes.forUnknownUser(ScramAlgorithm.SHA_256, username));
        boolean matches = credentials.matches(password);
        if (password.isEmpty() || !matches || stored.isEmpty()) {
            return SaslStep.wrongCredentials(username);
        }
        return SaslStep.success(username, null);
    }
}
