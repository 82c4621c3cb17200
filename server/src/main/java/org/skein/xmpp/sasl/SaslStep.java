package org.skein.xmpp.sasl;

import java.util.Objects;

/**
 * The outcome of one step of a SASL exchange: a challenge for the client, success (with optional
 * additional data and the authenticated username), or failure. Immutable.
 */
public final class SaslStep {

    /** What kind of step this is. */
    public enum Kind { CHALLENGE, SUCCESS, FAILURE }

    private final Kind kind;
    private final byte[] data;
    private final String username;
    private final SaslFailure failure;
    private final String text;
    private final boolean wrongCredentials;

    private SaslStep(Kind kind, byte[] data, String username, SaslFailure failure, String text, boolean wrongCredentials) {
        this.kind = kind;
        this.data = data;
        this.username = username;
        this.failure = failure;
        this.text = text;
        this.wrongCredentials = wrongCredentials;
    }

    public static SaslStep challenge(byte[] data) {
        return new SaslStep(Kind.CHALLENGE, Objects.requireNonNull(data).clone(), null, null, null, false);
    }

    /** Success; {@code additionalData} may be {@code null}. */
    public static SaslStep success(String username, byte[] additionalData) {
        return new SaslStep(Kind.SUCCESS, additionalData == null ? null : additionalData.clone(),
                Objects.requireNonNull(username), null, null, false);
    }

    /** A failure that is not about the password (malformed input, unsupported option). */
    public static SaslStep failure(SaslFailure failure, String text) {
        return new SaslStep(Kind.FAILURE, null, null, Objects.requireNonNull(failure), text, false);
    }

    /** A wrong username or password: counts against the guessing limits. */
    public static SaslStep wrongCredentials(String username) {
        return new SaslStep(Kind.FAILURE, null, username, SaslFailure.NOT_AUTHORIZED, null, true);
    }

    public Kind kind() {
        return kind;
    }

    /** The challenge or the success data, or {@code null}. */
    public byte[] data() {
        return data == null ? null : data.clone();
    }

    /** The authenticated user on success; the user that was tried on a wrong-credentials failure, if known. */
    public String username() {
        return username;
    }

    public SaslFailure failure() {
        return failure;
    }

    /** An explanation for the client, or {@code null}. */
    public String text() {
        return text;
    }

    /** Whether the failure is a wrong username or password. */
    public boolean isWrongCredentials() {
        return wrongCredentials;
    }
}
