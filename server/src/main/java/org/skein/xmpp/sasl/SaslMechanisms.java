package org.skein.xmpp.sasl;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.skein.auth.LoginThrottle;
import org.skein.auth.ScramAlgorithm;
import org.skein.auth.ScramCredentials;
import org.skein.user.UserManager;

/**
 * The SASL mechanisms a node offers and the factory of their exchanges. SCRAM-SHA-256 and SCRAM-SHA-1
 * are always offered; PLAIN only on a TLS-protected connection, unless {@code plainWithoutTls} (for a
 * demo on localhost). Thread-safe.
 */
public final class SaslMechanisms {

    private final UserManager users;
    private final String domain;
    private final boolean plainWithoutTls;
    private final int iterations;
    /** The name of the server secret that made-up salts are derived from. */
    public static final String UNKNOWN_USERS_SECRET = "scram.unknown-users";

    private final SecureRandom random = new SecureRandom();
    private final Supplier<byte[]> secret;

    /**
     * @param users the accounts
     * @param domain the XMPP domain (the only one an authorization identity may name)
     * @param plainWithoutTls whether PLAIN is offered on a connection without TLS
     * @param iterations the SCRAM iteration count made-up credentials of unknown users show
     * @param secret the key made-up salts are derived from: the same on every node and after restarts
     *     (a server secret), so an unknown name always shows the same salt wherever it is tried
     */
    public SaslMechanisms(UserManager users, String domain, boolean plainWithoutTls, int iterations, Supplier<byte[]> secret) {
        this.users = Objects.requireNonNull(users, "users");
        this.domain = Objects.requireNonNull(domain, "domain");
        this.plainWithoutTls = plainWithoutTls;
        this.iterations = iterations;
        this.secret = Objects.requireNonNull(secret, "secret");
    }

    /** The mechanisms offered on a connection, strongest first. */
    public List<String> offered(boolean secure) {
        List<String> names = new ArrayList<>();
        names.add(ScramAlgorithm.SHA_256.mechanism());
        names.add(ScramAlgorithm.SHA_1.mechanism());
        if (secure || plainWithoutTls) {
            names.add(PlainMechanism.NAME);
        }
        return names;
    }

    /** A new exchange for a mechanism the client chose, if it is offered on this connection. */
    public Optional<SaslMechanism> create(String name, boolean secure) {
        if (!offered(secure).contains(name)) {
            return Optional.empty();
        }
        if (PlainMechanism.NAME.equals(name)) {
            return Optional.of(new PlainMechanism(users, domain, this::fakeCredentials));
        }
        ScramAlgorithm algorithm = ScramAlgorithm.SHA_256.mechanism().equals(name) ? ScramAlgorithm.SHA_256 : ScramAlgorithm.SHA_1;
        return Optional.of(new ScramMechanism(algorithm, users, domain, random, this::fakeCredentials));
    }

    /**
     * Stable, never-matching credentials for a username that does not exist: the salt is derived from
     * the server secret and the name as an account would be named (nodeprep: {@code NAME} and
     * {@code name} are one account, so they show one salt, exactly as for an existing user), with the
     * configured iteration count.
     */
    ScramCredentials fakeCredentials(ScramAlgorithm algorithm, String username) {
        String account = LoginThrottle.accountKey(username);
        byte[] seed = ScramCredentials.hmac(ScramAlgorithm.SHA_256, secret.get(),
                ("salt\0" + algorithm.mechanism() + '\0' + account).getBytes(StandardCharsets.UTF_8));
        byte[] salt = Arrays.copyOf(seed, 16);
        int length = ScramCredentials.hash(algorithm, salt).length;
        byte[] stored = new byte[length];
        byte[] serverKey = new byte[length];
        random.nextBytes(stored);
        random.nextBytes(serverKey);
        return new ScramCredentials(algorithm, salt, iterations, stored, serverKey);
    }
}
