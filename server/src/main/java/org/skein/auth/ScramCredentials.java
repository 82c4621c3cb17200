package org.skein.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * What the server keeps of a password for one SCRAM hash function (RFC 5802 section 3): the salt,
 * the iteration count, StoredKey and ServerKey. The password itself is never stored; PLAIN logins are
 * checked by deriving StoredKey from the offered password and comparing.
 *
 * <p>Immutable; the arrays are copied in and out.
 */
public final class ScramCredentials {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final ScramAlgorithm algorithm;
    private final byte[] salt;
    private final int iterations;
    private final byte[] storedKey;
    private final byte[] serverKey;

    public ScramCredentials(ScramAlgorithm algorithm, byte[] salt, int iterations, byte[] storedKey, byte[] serverKey) {
        this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
        this.salt = salt.clone();
        this.iterations = iterations;
        this.storedKey = storedKey.clone();
        this.serverKey = serverKey.clone();
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be positive");
        }
    }

    /** Derives credentials from a password with a new random 16-byte salt. */
    public static ScramCredentials derive(ScramAlgorithm algorithm, String password, int iterations) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return derive(algorithm, password, salt, iterations);
    }

    /** Derives credentials from a password, a salt and an iteration count. */
    public static ScramCredentials derive(ScramAlgorithm algorithm, String password, byte[] salt, int iterations) {
        byte[] saltedPassword = saltedPassword(algorithm, password, salt, iterations);
        byte[] clientKey = hmac(algorithm, saltedPassword, "Client Key".getBytes(StandardCharsets.US_ASCII));
        byte[] storedKey = hash(algorithm, clientKey);
        byte[] serverKey = hmac(algorithm, saltedPassword, "Server Key".getBytes(StandardCharsets.US_ASCII));
        return new ScramCredentials(algorithm, salt, iterations, storedKey, serverKey);
    }

    /**
     * SaltedPassword := Hi(Normalize(password), salt, i), which is PBKDF2 with the HMAC as PRF. The
     * password should already be SASLprep-normalised by the caller where that matters.
     */
    public static byte[] saltedPassword(ScramAlgorithm algorithm, String password, byte[] salt, int iterations) {
        try {
            int bits = Mac.getInstance(algorithm.hmacName()).getMacLength() * 8;
            PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, bits);
            return SecretKeyFactory.getInstance("PBKDF2With" + algorithm.hmacName()).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JVM lacks " + algorithm.hmacName(), e);
        }
    }

    public static byte[] hmac(ScramAlgorithm algorithm, byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(algorithm.hmacName());
            mac.init(new SecretKeySpec(key, algorithm.hmacName()));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JVM lacks " + algorithm.hmacName(), e);
        }
    }

    public static byte[] hash(ScramAlgorithm algorithm, byte[] data) {
        try {
            return MessageDigest.getInstance(algorithm.digestName()).digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JVM lacks " + algorithm.digestName(), e);
        }
    }

    /** Whether the password matches, compared in constant time. */
    public boolean matches(String password) {
        ScramCredentials offered = derive(algorithm, password, salt, iterations);
        return MessageDigest.isEqual(storedKey, offered.storedKey);
    }

    public ScramAlgorithm algorithm() {
        return algorithm;
    }

    public byte[] salt() {
        return salt.clone();
    }

    public int iterations() {
        return iterations;
    }

    public byte[] storedKey() {
        return storedKey.clone();
    }

    public byte[] serverKey() {
        return serverKey.clone();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ScramCredentials)) {
            return false;
        }
        ScramCredentials other = (ScramCredentials) o;
        return algorithm == other.algorithm && iterations == other.iterations && Arrays.equals(salt, other.salt)
                && Arrays.equals(storedKey, other.storedKey) && Arrays.equals(serverKey, other.serverKey);
    }

    @Override
    public int hashCode() {
        return Objects.hash(algorithm, iterations, Arrays.hashCode(salt), Arrays.hashCode(storedKey));
    }

    @Override
    public String toString() {
        return "ScramCredentials{" + algorithm.mechanism() + ", iterations=" + iterations + "}"; // no secrets
    }
}
