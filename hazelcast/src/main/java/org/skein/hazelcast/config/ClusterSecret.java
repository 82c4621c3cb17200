package org.skein.hazelcast.config;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret the nodes of one cluster share ({@code cluster.secret}): a node proves it knows it by an
 * HMAC-SHA256 over what identifies its member, and never sends the secret itself. Its
 * {@link #toString()} hides it, so it cannot reach a log by accident. Immutable.
 */
public final class ClusterSecret {

    /** The shortest secret accepted, in characters. */
    public static final int MIN_LENGTH = 16;
    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;

    private ClusterSecret(String secret) {
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
    }

    /** @throws IllegalArgumentException if the secret is shorter than {@value #MIN_LENGTH} characters */
    public static ClusterSecret of(String secret) {
        if (secret == null || secret.strip().length() < MIN_LENGTH) {
            throw new IllegalArgumentException("a cluster secret needs at least " + MIN_LENGTH + " characters");
        }
        return new ClusterSecret(secret.strip());
    }

    /** The HMAC-SHA256 of the text under this secret. */
    public byte[] mac(String text) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("the JVM cannot compute " + ALGORITHM, e);
        }
    }

    @Override
    public String toString() {
        return "ClusterSecret[hidden]";
    }
}
