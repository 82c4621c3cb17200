package org.skein.roster;

/** The subscription state of a roster item (RFC 6121 section 2.1.2.5), without the pending flags. */
public enum Subscription {
    /** Neither side receives the other's presence. */
    NONE,
    /** The user receives the contact's presence. */
    TO,
    /** The contact receives the user's presence. */
    FROM,
    /** Both receive each other's presence. */
    BOTH;

    /** The value of the {@code subscription} attribute. */
    public String xmlValue() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
