package org.skein.muc;

import java.util.Locale;

/**
 * A user's long-lived standing in a room (XEP-0045 section 5.2), kept by bare JID and stored with the
 * room: it survives the user's visits, a node's crash and a restart (for persistent rooms).
 * Ordered from the highest to the lowest standing.
 */
public enum Affiliation {
    OWNER, ADMIN, MEMBER, NONE, OUTCAST;

    /** The value of the {@code affiliation} attribute. */
    public String xmlValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses an {@code affiliation} attribute.
     *
     * @throws IllegalArgumentException if it is not one of owner, admin, member, none, outcast
     */
    public static Affiliation fromXml(String value) {
        if (value != null) {
            for (Affiliation a : values()) {
                if (a.xmlValue().equals(value)) {
                    return a;
                }
            }
        }
        throw new IllegalArgumentException("not an affiliation: '" + value + "'");
    }

    /** Whether this standing is strictly higher than another one (owner above admin above member above none). */
    public boolean isHigherThan(Affiliation other) {
        return ordinal() < other.ordinal();
    }

    /** Whether this standing is at least {@code other}'s. */
    public boolean isAtLeast(Affiliation other) {
        return ordinal() <= other.ordinal();
    }
}
