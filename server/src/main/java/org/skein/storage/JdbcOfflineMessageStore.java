package org.skein.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.skein.offline.OfflineMessage;
import org.skein.offline.OfflineMessageStore;

/**
 * Offline messages in the {@code skein_offline_message} table, at most {@code maxPerUser} per user
 * (config key {@code offline.maxPerUser}, 1000 by default).
 */
public final class JdbcOfflineMessageStore implements OfflineMessageStore {

    private final Database database;
    private final int maxPerUser;

    public JdbcOfflineMessageStore(Database database, int maxPerUser) {
        this.database = database;
        this.maxPerUser = maxPerUser;
    }

    @Override
    public boolean store(String username, Instant stamp, String stanza) {
        try (Connection c = database.connection()) {
            if (count(c, username) >= maxPerUser) {
                return false;
            }
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO skein_offline_message (username, stamp, stanza) VALUES (?, ?, ?)")) {
                s.setString(1, username);
                s.setLong(2, stamp.toEpochMilli());
                s.setString(3, stanza);
                s.executeUpdate();
                return true;
            }
        } catch (SQLException e) {
            throw new StorageException("cannot store an offline message for '" + username + "'", e);
        }
    }

    @Override
    public List<OfflineMessage> takeAll(String username) {
        try (Connection c = database.connection()) {
            c.setAutoCommit(false);
            try {
                List<OfflineMessage> messages = new ArrayList<>();
                try (PreparedStatement s = c.prepareStatement(
                        "SELECT id, stamp, stanza FROM skein_offline_message WHERE username = ? ORDER BY id")) {
                    s.setString(1, username);
                    try (ResultSet r = s.executeQuery()) {
                        while (r.next()) {
                            messages.add(new OfflineMessage(r.getLong(1), username, Instant.ofEpochMilli(r.getLong(2)), r.getString(3)));
                        }
                    }
                }
                if (!messages.isEmpty()) {
                    // delete exactly what was read: a message stored meanwhile waits for the next login
                    try (PreparedStatement s = c.prepareStatement("DELETE FROM skein_offline_message WHERE id = ?")) {
                        for (OfflineMessage message : messages) {
                            s.setLong(1, message.id());
                            s.addBatch();
                        }
                        s.executeBatch();
                    }
                }
                c.commit();
                return messages;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StorageException("cannot read the offline messages of '" + username + "'", e);
        }
    }

    @Override
    public int count(String username) {
        try (Connection c = database.connection()) {
            return count(c, username);
        } catch (SQLException e) {
            throw new StorageException("cannot count the offline messages of '" + username + "'", e);
        }
    }

    private static int count(Connection c, String username) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM skein_offline_message WHERE username = ?")) {
            s.setString(1, username);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        }
    }
}
