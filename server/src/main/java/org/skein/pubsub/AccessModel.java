package org.skein.pubsub;

import java.util.Locale;

/** Who may subscribe to a node and retrieve its items (XEP-0060 section 4.5); {@code authorize} is not offered. */
public enum AccessModel {
    /** Anyone. */
    OPEN,
    /** Contacts with a subscription to the owner's presence ({@code from} or {@code both} in the owner's roster). */
    PRESENCE,
    /** Contacts in one of the roster groups the node allows. */
    ROSTER,
    /** JIDs affiliated as member, publisher or owner. */
    WHITELIST;

    public String xmlValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException if the value is not a supported access model */
    public static AccessModel fromXml(String value) {
        for (AccessModel model : values()) {
            if (model.xmlValue().equals(value)) {
                return model;
            }
        }
        throw new IllegalArgumentException("unsupported access model: " + value);
    }
}
