package org.skein.hazelcast.routing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import org.skein.hazelcast.config.ClusterSecret;

/**
 * The challenge and response that open a {@link DirectStream} connection: both ends prove they know the
 * cluster secret without sending it, over random nonces of both, so a recorded exchange cannot be replayed.
 * <ol>
 *   <li>the connecting node sends HELLO: its node id and a nonce;</li>
 *   <li>the listening node answers CHALLENGE: its node id, its nonce and its proof, the HMAC-SHA256 of both
 *       node ids, both nonces and (with TLS) the SHA-256 of the listening node's certificate under the secret, with
 *       the role {@code server} ({@link DirectTls}: the certificate each end sees is bound into the proofs);</li>
 *   <li>the connecting node checks that proof (a listener with another secret is left at once) and sends
 *       AUTH: the same with the role {@code client}; the listening node checks it and only then reads batches.</li>
 * </ol>
 * Immutable and thread-safe.
 */
final class DirectHandshake {

    /** The first four bytes of every HELLO: "SKD1". */
    static final int MAGIC = 0x534B4431;
    static final int NONCE_BYTES = 32;
    private static final String VERSION = "skein-stanza-stream/1";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ClusterSecret secret;

    DirectHandshake(ClusterSecret secret) {
        this.secret = Objects.requireNonNull(secret, "secret");
    }

    static byte[] nonce() {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        return nonce;
    }

    /** The proof of one end ({@code server} or {@code client}) for one connection. */
    byte[] proof(String role, String clientNode, String serverNode, byte[] clientNonce, byte[] serverNonce, byte[] binding) {
        Base64.Encoder b64 = Base64.getEncoder();
        return secret.mac(VERSION + "\n" + role + "\n" + clientNode + "\n" + serverNode + "\n" + b64.encodeToString(clientNonce)
                + "\n" + b64.encodeToString(serverNonce) + "\n" + b64.encodeToString(binding));
    }

    /** Whether a proof is the right one (compared in constant time). */
    boolean check(byte[] given, String role, String clientNode, String serverNode, byte[] clientNonce, byte[] serverNonce,
                  byte[] binding) {
        return given != null && MessageDigest.isEqual(proof(role, clientNode, serverNode, clientNonce, serverNonce, binding), given);
    }

    /** No TLS: nothing to bind. */
    static final byte[] NO_BINDING = new byte[0];

    static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
