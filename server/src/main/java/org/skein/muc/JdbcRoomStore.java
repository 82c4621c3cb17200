package org.skein.muc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.skein.storage.Database;
import org.skein.storage.StorageException;

/**
 * Persistent rooms in the {@code skein_muc_room} and {@code skein_muc_affiliation} tables. Only the
 * room's home writes a room, so writes of one room never race. Blocks on the database; called on a
 * room's own thread, never on a network thread.
 */
final class JdbcRoomStore {

    private static final String COLUMNS = "created_at, salt, title, description, public_room, members_only, moderated, password,"
            + " max_users, whois, change_subject, allow_invites, allow_pm, logging, history_length, subject, subject_nick, subject_stamp";

    private final Database database;

    JdbcRoomStore(Database database) {
        this.database = database;
    }

    /** The stored room with this bare JID, if it is a persistent room. */
    Optional<RoomRecord> load(String roomJid) {
        String service = serviceOf(roomJid);
        String name = nameOf(roomJid);
        try (Connection c = database.connection()) {
            RoomRecord room = null;
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM skein_muc_room WHERE service = ? AND name = ?")) {
                s.setString(1, service);
                s.setString(2, name);
                try (ResultSet r = s.executeQuery()) {
                    if (r.next()) {
                        room = read(roomJid, r, Map.of());
                    }
                }
            }
            if (room == null) {
                return Optional.empty();
            }
            Map<String, Affiliation> affiliations = new HashMap<>();
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT jid, affiliation FROM skein_muc_affiliation WHERE service = ? AND name = ?")) {
                s.setString(1, service);
                s.setString(2, name);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        affiliations.put(r.getString(1), Affiliation.fromXml(r.getString(2)));
                    }
                }
            }
            return Optional.of(room.withAffiliations(affiliations));
        } catch (SQLException e) {
            throw new StorageException("cannot read room " + roomJid, e);
        }
    }

    /** Every persistent room of a service with its configuration (affiliations left out), by name. */
    List<RoomRecord> list(String service) {
        try (Connection c = database.connection();
             PreparedStatement s = c.prepareStatement("SELECT name, " + COLUMNS + " FROM skein_muc_room WHERE service = ? ORDER BY name")) {
            s.setString(1, service);
            List<RoomRecord> rooms = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    rooms.add(read(r.getString(1) + "@" + service, r, Map.of()));
                }
            }
            return rooms;
        } catch (SQLException e) {
            throw new StorageException("cannot list the rooms of " + service, e);
        }
    }

    /** Stores a room (inserted or replaced, with all its affiliations), in one transaction. */
    void save(RoomRecord room) {
        String service = room.service();
        String name = room.localpart();
        try (Connection c = database.connection()) {
            c.setAutoCommit(false);
            try {
                int updated;
                try (PreparedStatement s = c.prepareStatement("UPDATE skein_muc_room SET created_at = ?, salt = ?, title = ?,"
                        + " description = ?, public_room = ?, members_only = ?, moderated = ?, password = ?, max_users = ?, whois = ?,"
                        + " change_subject = ?, allow_invites = ?, allow_pm = ?, logging = ?, history_length = ?, subject = ?,"
                        + " subject_nick = ?, subject_stamp = ? WHERE service = ? AND name = ?")) {
                    bind(s, room);
                    s.setString(19, service);
                    s.setString(20, name);
                    updated = s.executeUpdate();
                }
                if (updated == 0) {
                    try (PreparedStatement s = c.prepareStatement("INSERT INTO skein_muc_room (" + COLUMNS
                            + ", service, name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                        bind(s, room);
                        s.setString(19, service);
                        s.setString(20, name);
                        s.executeUpdate();
                    }
                }
                try (PreparedStatement s = c.prepareStatement("DELETE FROM skein_muc_affiliation WHERE service = ? AND name = ?")) {
                    s.setString(1, service);
                    s.setString(2, name);
                    s.executeUpdate();
                }
                if (!room.affiliations().isEmpty()) {
                    try (PreparedStatement s = c.prepareStatement(
                            "INSERT INTO skein_muc_affiliation (service, name, jid, affiliation) VALUES (?, ?, ?, ?)")) {
                        for (Map.Entry<String, Affiliation> a : room.affiliations().entrySet()) {
                            s.setString(1, service);
                            s.setString(2, name);
                            s.setString(3, a.getKey());
                            s.setString(4, a.getValue().xmlValue());
                            s.addBatch();
                        }
                        s.executeBatch();
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StorageException("cannot store room " + room.room(), e);
        }
    }

    /** Removes a room and its affiliations; returns whether it was stored. */
    boolean delete(String roomJid) {
        try (Connection c = database.connection();
             PreparedStatement s = c.prepareStatement("DELETE FROM skein_muc_room WHERE service = ? AND name = ?")) {
            s.setString(1, serviceOf(roomJid));
            s.setString(2, nameOf(roomJid));
            return s.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new StorageException("cannot remove room " + roomJid, e);
        }
    }

    private static void bind(PreparedStatement s, RoomRecord room) throws SQLException {
        RoomConfig config = room.config();
        s.setLong(1, room.created());
        s.setString(2, room.salt());
        s.setString(3, config.name());
        s.setString(4, config.description());
        s.setBoolean(5, config.publicRoom());
        s.setBoolean(6, config.membersOnly());
        s.setBoolean(7, config.moderated());
        s.setString(8, config.password());
        s.setInt(9, config.maxUsers());
        s.setString(10, config.whois().xmlValue());
        s.setBoolean(11, config.changeSubject());
        s.setBoolean(12, config.allowInvites());
        s.setString(13, config.allowPm().xmlValue());
        s.setBoolean(14, config.logging());
        s.setInt(15, config.historyLength());
        RoomRecord.Subject subject = room.subject();
        if (subject == null) {
            s.setNull(16, Types.VARCHAR);
            s.setNull(17, Types.VARCHAR);
            s.setNull(18, Types.BIGINT);
        } else {
            s.setString(16, subject.text());
            s.setString(17, subject.nick());
            s.setLong(18, subject.stamp());
        }
    }

    /** Reads the columns of {@link #COLUMNS}, starting at the result's column {@code first}. */
    private static RoomRecord read(String roomJid, ResultSet r, Map<String, Affiliation> affiliations) throws SQLException {
        int base = r.getMetaData().getColumnCount() - 18; // 1 when the name was selected first, else 0
        RoomConfig config = new RoomConfig(r.getString(base + 3), r.getString(base + 4), true, r.getBoolean(base + 5),
                r.getBoolean(base + 6), r.getBoolean(base + 7), r.getString(base + 8), r.getInt(base + 9),
                RoomConfig.Whois.fromXml(r.getString(base + 10)), r.getBoolean(base + 11), r.getBoolean(base + 12),
                RoomConfig.AllowPm.fromXml(r.getString(base + 13)), r.getBoolean(base + 14), r.getInt(base + 15));
        String subjectText = r.getString(base + 16);
        RoomRecord.Subject subject = subjectText == null ? null
                : new RoomRecord.Subject(subjectText, r.getString(base + 17) == null ? "" : r.getString(base + 17), r.getLong(base + 18));
        return new RoomRecord(roomJid, config, affiliations, r.getString(base + 2), r.getLong(base + 1), false, subject);
    }

    private static String serviceOf(String roomJid) {
        return roomJid.substring(roomJid.indexOf('@') + 1);
    }

    private static String nameOf(String roomJid) {
        return roomJid.substring(0, roomJid.indexOf('@'));
    }
}
