package org.skein.muc;

import java.util.Locale;

/**
 * An occupant's privileges for the time of a visit (XEP-0045 section 5.1): moderators may kick and
 * give or take voice, participants may speak, visitors may only listen (in moderated rooms).
 * {@link #NONE} is the role of someone who is not in the room. Ordered from the highest to the lowest.
 */
public enum Role {
    MODERATOR, PARTICIPANT, VISITOR, NONE;

    /** The value of the {@code role} attribute. */
    public String xmlValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a {@code role} attribute.
     *
     * @throws IllegalArgumentException if it is not one of moderator, participant, visitor, none
     */
    public static Role fromXml(String value) {
        if (value != null) {
            for (Role r : values()) {
                if (r.xmlValue().equals(value)) {
                    return r;
                }
            }
        }
        throw new IllegalArgumentException("not a role: '" + value + "'");
    }
}
