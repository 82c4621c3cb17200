package org.skein.auth;

/** The hash functions Skein offers for SCRAM (RFC 5802, RFC 7677), with their SASL mechanism names. */
public enum ScramAlgorithm {

    SHA_1("SCRAM-SHA-1", "SHA-1", "HmacSHA1"),
    SHA_256("SCRAM-SHA-256", "SHA-256", "HmacSHA256");

    private final String mechanism;
    private final String digest;
    private final String hmac;

    ScramAlgorithm(String mechanism, String digest, String hmac) {
        this.mechanism = mechanism;
        this.digest = digest;
        this.hmac = hmac;
    }

    /** The SASL mechanism name, such as {@code SCRAM-SHA-256}. */
    public String mechanism() {
        return mechanism;
    }

    /** The JCA name of the digest, such as {@code SHA-256}. */
    public String digestName() {
        return digest;
    }

    /** The JCA name of the HMAC, such as {@code HmacSHA256}. */
    public String hmacName() {
        return hmac;
    }
}
