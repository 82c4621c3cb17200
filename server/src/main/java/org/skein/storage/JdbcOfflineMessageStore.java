package org.skein.storage;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.skein.offline.OfflineMessage;
import org.skein.offline.OfflineMessageStore;

/**
 * Offline messages in the {@code skein_offline_message} table, at most {@code maxPerUser} messages
 * (config key {@code offline.maxPerUser}, 1000 by default) and {@code maxBytesPerUser} bytes of stanzas
 * ({@code offline.maxBytesPerUser}, 10 MiB) per user. The quota is checked before each insert without
 * a lock, so stores racing on several nodes may overshoot it by the messages in flight.
 *
 * <p>A page is read in two steps, the sizes first, so that no more than the page's bytes of stanzas are
 * ever loaded into the heap, whatever the user has waiting.
 */
public final class JdbcOfflineMessageStore implements OfflineMessageStore {

    private final Database database;
    private final int maxPerUser;
    private final long maxBytesPerUser;

    /** A store with the default byte quota (10 MiB per user). */
    public JdbcOfflineMessageStore(Database database, int maxPerUser) {
        this(database, maxPerUser, 10L * 1024 * 1024);
    }

    /**
     * @param maxPerUser messages per user
     * @param maxBytesPerUser bytes of stanzas per user (UTF-8), or -1 for no byte quota
     */
    public JdbcOfflineMessageStore(Database database, int maxPerUser, long maxBytesPerUser) {
        this.database = database;
        this.maxPerUser = maxPerUser;
        this.maxBytesPerUser = maxBytesPerUser;
    }

    @Override
    public long add(String username, Instant stamp, String stanza) {
        int size = stanza.getBytes(StandardCharsets.UTF_8).length;
        try (Connection c = database.connection()) {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT COUNT(*), COALESCE(SUM(stanza_bytes), 0) FROM skein_offline_message WHERE username = ?")) {
                s.setString(1, username);
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    if (r.getInt(1) >= maxPerUser || (maxBytesPerUser >= 0 && r.getLong(2) + size > maxBytesPerUser)) {
                        return -1;
                    }
                }
            }
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO skein_offline_message (username, stamp, stanza, stanza_bytes) VALUES (?, ?, ?, ?)",
                    new String[] {"id"})) {
                s.setString(1, username);
                s.setLong(2, stamp.toEpochMilli());
                s.setString(3, stanza);
                s.setInt(4, size);
                s.executeUpdate();
                try (ResultSet keys = s.getGeneratedKeys()) {
                    if (!keys.next()) {
                        throw new SQLException("the database returned no id for the new offline message");
                    }
                    return keys.getLong(1);
                }
            }
        } catch (SQLException e) {
            throw new StorageException("cannot store an offline message for '" + username + "'", e);
        }
    }

    @Override
    public List<OfflineMessage> page(String username, long afterId, int maxMessages, long maxBytes) {
        try (Connection c = database.connection()) {
            long lastId = afterId;
            long bytes = 0;
            int messages = 0;
            try (PreparedStatement s = c.prepareStatement("SELECT id, stanza_bytes FROM skein_offline_message"
                    + " WHERE username = ? AND id > ? ORDER BY id FETCH FIRST ? ROWS ONLY")) {
                s.setString(1, username);
                s.setLong(2, afterId);
                s.setInt(3, Math.max(1, maxMessages));
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        int size = r.getInt(2);
                        if (messages > 0 && bytes + size > maxBytes) {
                            break;
                        }
                        lastId = r.getLong(1);
                        bytes += size;
                        messages++;
                    }
                }
            }
            List<OfflineMessage> page = new ArrayList<>(messages);
            if (messages == 0) {
                return page;
            }
            try (PreparedStatement s = c.prepareStatement("SELECT id, stamp, stanza FROM skein_offline_message"
                    + " WHERE username = ? AND id > ? AND id <= ? ORDER BY id")) {
                s.setString(1, username);
                s.setLong(2, afterId);
                s.setLong(3, lastId);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        page.add(new OfflineMessage(r.getLong(1), username, Instant.ofEpochMilli(r.getLong(2)), r.getString(3)));
                    }
                }
            }
            return page;
        } catch (SQLException e) {
            throw new StorageException("cannot read the offline messages of '" + username + "'", e);
        }
    }

    @Override
    public void remove(String username, Collection<Long> ids) {
        if (ids.isEmpty()) {
            return;
        }
        try (Connection c = database.connection();
             PreparedStatement s = c.prepareStatement("DELETE FROM skein_offline_message WHERE id = ? AND username = ?")) {
            for (long id : ids) {
                s.setLong(1, id);
                s.setString(2, username);
                s.addBatch();
            }
            s.executeBatch();
        } catch (SQLException e) {
            throw new StorageException("cannot remove offline messages of '" + username + "'", e);
        }
    }

    @Override
    public boolean removeIfPresent(String username, long id) {
        try (Connection c = database.connection();
             PreparedStatement s = c.prepareStatement("DELETE FROM skein_offline_message WHERE id = ? AND username = ?")) {
            s.setLong(1, id);
            s.setString(2, username);
            return s.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StorageException("cannot remove an offline message of '" + username + "'", e);
        }
    }

    @Override
    public java.util.Set<String> withMessages(Collection<String> usernames) {
        java.util.Set<String> found = new java.util.HashSet<>();
        List<String> all = List.copyOf(new java.util.LinkedHashSet<>(usernames));
        try (Connection c = database.connection()) {
            for (int from = 0; from < all.size(); from += 500) {
                List<String> chunk = all.subList(from, Math.min(all.size(), from + 500));
                String marks = String.join(", ", java.util.Collections.nCopies(chunk.size(), "?"));
                try (PreparedStatement s = c.prepareStatement(
                        "SELECT DISTINCT username FROM skein_offline_message WHERE username IN (" + marks + ")")) {
                    for (int i = 0; i < chunk.size(); i++) {
                        s.setString(i + 1, chunk.get(i));
                    }
                    try (ResultSet r = s.executeQuery()) {
                        while (r.next()) {
                            found.add(r.getString(1));
                        }
                    }
                }
            }
            return found;
        } catch (SQLException e) {
            throw new StorageException("cannot look for offline messages of " + all.size() + " users", e);
        }
    }

    @Override
    public long countAll() {
        try (Connection c = database.connection();
             PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM skein_offline_message");
             ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1);
        } catch (SQLException e) {
            throw new StorageException("cannot count the offline messages", e);
        }
    }

    @Override
    public int count(String username) {
        try (Connection c = database.connection();
             PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM skein_offline_message WHERE username = ?")) {
            s.setString(1, username);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        } catch (SQLException e) {
            throw new StorageException("cannot count the offline messages of '" + username + "'", e);
        }
    }

    @Override
    public long bytes(String username) {
        try (Connection c = database.connection();
             PreparedStatement s = c.prepareStatement("SELECT COALESCE(SUM(stanza_bytes), 0) FROM skein_offline_message WHERE username = ?")) {
            s.setString(1, username);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        } catch (SQLException e) {
            throw new StorageException("cannot measure the offline messages of '" + username + "'", e);
        }
    }
}
