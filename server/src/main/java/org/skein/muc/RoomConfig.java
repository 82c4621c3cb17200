package org.skein.muc;

import java.io.Serializable;
import java.util.Locale;
import java.util.Objects;

/**
 * A room's configuration (XEP-0045 section 10.2, the {@code muc#roomconfig} form): an immutable value.
 * Change it with the {@code with...} methods or a {@link Builder}; {@link #defaults()} is what a new
 * room starts with.
 *
 * @param name the room's human-readable name ({@code muc#roomconfig_roomname}); empty for none
 * @param description a short description ({@code muc#roomconfig_roomdesc})
 * @param persistent whether the room outlives its last occupant and a restart (kept in the database)
 * @param publicRoom whether the service lists the room ({@code muc#roomconfig_publicroom}); hidden otherwise
 * @param membersOnly whether only members, admins and owners may enter
 * @param moderated whether only participants and moderators may speak (new users enter as visitors)
 * @param password the password to enter, empty for none
 * @param maxUsers the most occupants below admin at once, 0 for no limit
 * @param whois who may see occupants' real JIDs: moderators (semi-anonymous) or anyone (non-anonymous)
 * @param changeSubject whether participants (not only moderators) may change the subject
 * @param allowInvites whether participants may send mediated invitations (admins and owners always may)
 * @param allowPm who may send private messages to other occupants
 * @param logging whether discussions are logged to a public archive (occupants are told with status 170)
 * @param historyLength how many messages the room replays to a new occupant, at most
 */
public record RoomConfig(String name, String description, boolean persistent, boolean publicRoom, boolean membersOnly,
                         boolean moderated, String password, int maxUsers, Whois whois, boolean changeSubject,
                         boolean allowInvites, AllowPm allowPm, boolean logging, int historyLength) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The most messages a room may replay to a new occupant. */
    public static final int MAX_HISTORY = 200;

    /** Who may see the real JIDs of occupants. */
    public enum Whois {
        MODERATORS, ANYONE;

        public String xmlValue() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** @throws IllegalArgumentException for anything but {@code moderators} and {@code anyone} */
        public static Whois fromXml(String value) {
            for (Whois w : values()) {
                if (w.xmlValue().equals(value)) {
                    return w;
                }
            }
            throw new IllegalArgumentException("not a whois value: '" + value + "'");
        }
    }

    /** Who may send private messages to other occupants ({@code muc#roomconfig_allowpm}). */
    public enum AllowPm {
        ANYONE, PARTICIPANTS, MODERATORS, NONE;

        public String xmlValue() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** @throws IllegalArgumentException for anything but anyone, participants, moderators, none */
        public static AllowPm fromXml(String value) {
            for (AllowPm a : values()) {
                if (a.xmlValue().equals(value)) {
                    return a;
                }
            }
            throw new IllegalArgumentException("not an allowpm value: '" + value + "'");
        }
    }

    /**
     * @throws IllegalArgumentException if a number is out of range or a text is {@code null}
     */
    public RoomConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(whois, "whois");
        Objects.requireNonNull(allowPm, "allowPm");
        if (maxUsers < 0) {
            throw new IllegalArgumentException("maxUsers must be 0 (no limit) or positive, not " + maxUsers);
        }
        if (historyLength < 0 || historyLength > MAX_HISTORY) {
            throw new IllegalArgumentException("historyLength must be between 0 and " + MAX_HISTORY + ", not " + historyLength);
        }
    }

    /** A new room's configuration: temporary, public, open, unmoderated, semi-anonymous, 20 messages of history. */
    public static RoomConfig defaults() {
        return new RoomConfig("", "", false, true, false, false, "", 0, Whois.MODERATORS, false, false, AllowPm.ANYONE,
                false, 20);
    }

    /** Whether entering needs a password. */
    public boolean passwordProtected() {
        return !password.isEmpty();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    public static Builder builder() {
        return new Builder(defaults());
    }

    /** Builds a {@link RoomConfig} from another one; not thread-safe. */
    public static final class Builder {
        private String name;
        private String description;
        private boolean persistent;
        private boolean publicRoom;
        private boolean membersOnly;
        private boolean moderated;
        private String password;
        private int maxUsers;
        private Whois whois;
        private boolean changeSubject;
        private boolean allowInvites;
        private AllowPm allowPm;
        private boolean logging;
        private int historyLength;

        private Builder(RoomConfig from) {
            name = from.name;
            description = from.description;
            persistent = from.persistent;
            publicRoom = from.publicRoom;
            membersOnly = from.membersOnly;
            moderated = from.moderated;
            password = from.password;
            maxUsers = from.maxUsers;
            whois = from.whois;
            changeSubject = from.changeSubject;
            allowInvites = from.allowInvites;
            allowPm = from.allowPm;
            logging = from.logging;
            historyLength = from.historyLength;
        }

        public Builder name(String value) { name = value; return this; }
        public Builder description(String value) { description = value; return this; }
        public Builder persistent(boolean value) { persistent = value; return this; }
        public Builder publicRoom(boolean value) { publicRoom = value; return this; }
        public Builder membersOnly(boolean value) { membersOnly = value; return this; }
        public Builder moderated(boolean value) { moderated = value; return this; }
        public Builder password(String value) { password = value == null ? "" : value; return this; }
        public Builder maxUsers(int value) { maxUsers = value; return this; }
        public Builder whois(Whois value) { whois = value; return this; }
        public Builder changeSubject(boolean value) { changeSubject = value; return this; }
        public Builder allowInvites(boolean value) { allowInvites = value; return this; }
        public Builder allowPm(AllowPm value) { allowPm = value; return this; }
        public Builder logging(boolean value) { logging = value; return this; }
        public Builder historyLength(int value) { historyLength = value; return this; }

        /** @throws IllegalArgumentException if a value is out of range */
        public RoomConfig build() {
            return new RoomConfig(name, description, persistent, publicRoom, membersOnly, moderated, password, maxUsers,
                    whois, changeSubject, allowInvites, allowPm, logging, historyLength);
        }
    }
}
