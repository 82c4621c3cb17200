package org.skein.pubsub;

import java.util.Locale;

/** A JID's affiliation with a node (XEP-0060 section 4.1), from most to least privileged. */
public enum Affiliation {
    OWNER, PUBLISHER, PUBLISH_ONLY, MEMBER, NONE, OUTCAST;

    /** The value in XML ({@code publish-only}, ...). */
    public String xmlValue() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** @throws IllegalArgumentException if the value is not one of XEP-0060's */
    public static Affiliation fromXml(String value) {
        if (value == null) {
            throw new IllegalArgumentException("no affiliation");
        }
        for (Affiliation a : values()) {
            if (a.xmlValue().equals(value)) {
                return a;
            }
        }
        throw new IllegalArgumentException("not an affiliation: " + value);
    }

    /** Whether it may publish items (owner, publisher, publish-only). */
    public boolean mayPublish() {
        return this == OWNER || this == PUBLISHER || this == PUBLISH_ONLY;
    }

    /** Whether it may retrieve items and subscribe whatever the access model (owner, publisher, member). */
    public boolean isMemberOrAbove() {
        return this == OWNER || this == PUBLISHER || this == MEMBER;
    }
}
