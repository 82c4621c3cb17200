package org.skein.muc;

import java.io.Serializable;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What must outlive a room's home node: the room's configuration, its affiliations (bare JID →
 * affiliation, {@link Affiliation#NONE} never stored), the salt of its occupant ids, when it was
 * created, whether it still waits for its first configuration (locked), and its subject. Kept in the
 * clustered {@value Rooms#RECORDS_CACHE} cache by the home (written on every change, which is rare:
 * never per message) and, for persistent rooms, in the database, which stays the source of truth.
 * Immutable.
 *
 * @param room the room's bare JID
 * @param subject the current subject, or {@code null} for none
 */
record RoomRecord(String room, RoomConfig config, Map<String, Affiliation> affiliations, String salt, long created,
                  boolean locked, Subject subject) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** A subject and who set it (a nickname, empty when the room or an admin set it). */
    record Subject(String text, String nick, long stamp) implements Serializable {
        private static final long serialVersionUID = 1L;

        Subject {
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(nick, "nick");
        }
    }

    RoomRecord {
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(salt, "salt");
        TreeMap<String, Affiliation> copy = new TreeMap<>(affiliations);
        copy.values().removeIf(a -> a == Affiliation.NONE);
        affiliations = Collections.unmodifiableMap(copy);
    }

    Affiliation affiliationOf(String bareJid) {
        return affiliations.getOrDefault(bareJid, Affiliation.NONE);
    }

    RoomRecord withConfig(RoomConfig newConfig) {
        return new RoomRecord(room, newConfig, affiliations, salt, created, locked, subject);
    }

    RoomRecord withAffiliations(Map<String, Affiliation> newAffiliations) {
        return new RoomRecord(room, config, newAffiliations, salt, created, locked, subject);
    }

    RoomRecord withLocked(boolean newLocked) {
        return new RoomRecord(room, config, affiliations, salt, created, newLocked, subject);
    }

    RoomRecord withSubject(Subject newSubject) {
        return new RoomRecord(room, config, affiliations, salt, created, locked, newSubject);
    }

    /** The room's node part (its name in the service). */
    String localpart() {
        return room.substring(0, room.indexOf('@'));
    }

    /** The service's domain. */
    String service() {
        return room.substring(room.indexOf('@') + 1);
    }
}
