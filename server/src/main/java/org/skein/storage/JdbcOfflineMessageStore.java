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
 * ({@code offline.maxBytesPerUser}, 10 MiB) per user. What each user holds is kept in
 * {@code skein_offline_quota} (migration V8), in the same transaction as each insert and delete: the quota check
 * reads one row, whatever the user has waiting, and stores and removals for one user (on any node) wait for each
 * other on that row, so the quota holds exactly.
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
            for (int attempt = 0; ; attempt++) {
                long id = inTransaction(c, () -> insertWithinQuota(c, username, stamp, stanza, size));
                if (id != NO_QUOTA_ROW) {
                    return id;
                }
                if (attempt > 0) {
                    throw new SQLException("the quota row of '" + username + "' vanished while a message was stored");
                }
                createQuotaRow(c, username);
            }
        } catch (SQLException e) {
            throw new StorageException("cannot store an offline message for '" + username + "'", e);
        }
    }

    /** {@link #add}'s answer when the user has no quota row yet (nothing was ever stored for them). */
    private static final long NO_QUOTA_ROW = -2;

    /**
     * Counts the message in the user's quota row (which locks the row until the transaction ends: stores and
     * removals for one user wait for each other) and inserts it; -1 if it does not fit.
     */
    private long insertWithinQuota(Connection c, String username, Instant stamp, String stanza, int size) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE skein_offline_quota SET messages = messages + 1, bytes = bytes + ?"
                + " WHERE username = ? AND messages < ? AND bytes + ? <= ?")) {
            s.setLong(1, size);
            s.setString(2, username);
            s.setInt(3, maxPerUser);
            s.setLong(4, size);
            s.setLong(5, maxBytesPerUser < 0 ? Long.MAX_VALUE / 2 : maxBytesPerUser);
            if (s.executeUpdate() == 0) {
                return quotaRowExists(c, username) ? -1 : NO_QUOTA_ROW;
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
    }

    private static boolean quotaRowExists(Connection c, String username) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM skein_offline_quota WHERE username = ?")) {
            s.setString(1, username);
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        }
    }

    /** The user's empty quota row, in a statement of its own; another node may have created it meanwhile. */
    private static void createQuotaRow(Connection c, String username) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO skein_offline_quota (username, messages, bytes) VALUES (?, 0, 0)")) {
            s.setString(1, username);
            s.executeUpdate();
        } catch (SQLException e) {
            if (!quotaRowExists(c, username)) {
                throw e; // not a race with another store (e.g. the user does not exist)
            }
        }
    }

    private interface Work<T> {
        T run() throws SQLException;
    }

    /** Runs {@code work} in one transaction on {@code c} (committed if it returns, rolled back if it throws). */
    private static <T> T inTransaction(Connection c, Work<T> work) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            T result = work.run();
            c.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException rollback) {
                e.addSuppressed(rollback);
            }
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    /** Locks the user's quota row until the end of the transaction; {@code false} if nothing was ever stored for the user. */
    private static boolean lockQuotaRow(Connection c, String username) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE skein_offline_quota SET messages = messages WHERE username = ?")) {
            s.setString(1, username);
            return s.executeUpdate() > 0;
        }
    }

    private static final boolean UNCLAIMED_ONLY = true;

    private static int delete(Connection c, String username, List<Long> ids) throws SQLException {
        return delete(c, username, ids, !UNCLAIMED_ONLY);
    }

    /**
     * Deletes those of {@code ids} that are the user's and still there, and takes them off the user's quota row,
     * in one transaction that holds the row (so no other removal counts the same messages). Returns how many were
     * deleted. With {@code unclaimedOnly}, messages a delivery has claimed are left alone.
     */
    private static int delete(Connection c, String username, List<Long> ids, boolean unclaimedOnly) throws SQLException {
        String which = unclaimedOnly ? " AND claimed = FALSE" : "";
        return inTransaction(c, () -> {
            if (!lockQuotaRow(c, username)) {
                return 0; // nothing was ever stored for the user
            }
            int messages = 0;
            long bytes = 0;
            for (int from = 0; from < ids.size(); from += 500) {
                List<Long> chunk = ids.subList(from, Math.min(ids.size(), from + 500));
                String marks = String.join(", ", java.util.Collections.nCopies(chunk.size(), "?"));
                try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*), COALESCE(SUM(stanza_bytes), 0) FROM skein_offline_message"
                        + " WHERE username = ? AND id IN (" + marks + ")" + which)) {
                    bind(s, username, chunk);
                    try (ResultSet r = s.executeQuery()) {
                        r.next();
                        messages += r.getInt(1);
                        bytes += r.getLong(2);
                    }
                }
                try (PreparedStatement s = c.prepareStatement("DELETE FROM skein_offline_message WHERE username = ? AND id IN ("
                        + marks + ")" + which)) {
                    bind(s, username, chunk);
                    s.executeUpdate();
                }
            }
            if (messages > 0) {
                try (PreparedStatement s = c.prepareStatement(
                        "UPDATE skein_offline_quota SET messages = messages - ?, bytes = bytes - ? WHERE username = ?")) {
                    s.setInt(1, messages);
                    s.setLong(2, bytes);
                    s.setString(3, username);
                    s.executeUpdate();
                }
            }
            return messages;
        });
    }

    @Override
    public List<OfflineMessage> page(String username, long afterId, int maxMessages, long maxBytes) {
        try (Connection c = database.connection()) {
            long lastId = afterId;
            long bytes = 0;
            int messages = 0;
            // ordered by (username, id), the index's order, although username is fixed: H2 then reads the page from the
            // index; ordered by id alone it read and sorted every message of the user for each page (quadratic at login)
            try (PreparedStatement s = c.prepareStatement("SELECT id, stanza_bytes FROM skein_offline_message"
                    + " WHERE username = ? AND id > ? ORDER BY username, id FETCH FIRST ? ROWS ONLY")) {
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
                    + " WHERE username = ? AND id > ? AND id <= ? ORDER BY username, id")) {
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
        try (Connection c = database.connection()) {
            delete(c, username, List.copyOf(ids));
        } catch (SQLException e) {
            throw new StorageException("cannot remove offline messages of '" + username + "'", e);
        }
    }

    @Override
    public boolean removeIfPresent(String username, long id) {
        try (Connection c = database.connection()) {
            return delete(c, username, List.of(id), UNCLAIMED_ONLY) == 1;
        } catch (SQLException e) {
            throw new StorageException("cannot remove an offline message of '" + username + "'", e);
        }
    }

    @Override
    public java.util.Set<Long> claim(String username, Collection<Long> ids) {
        java.util.Set<Long> claimed = new java.util.HashSet<>();
        if (ids.isEmpty()) {
            return claimed;
        }
        List<Long> all = List.copyOf(ids);
        try (Connection c = database.connection()) {
            return inTransaction(c, () -> {
                // the quota row orders this against removeIfPresent, which takes it first too
                if (!lockQuotaRow(c, username)) {
                    return claimed;
                }
                for (int from = 0; from < all.size(); from += 500) {
                    List<Long> chunk = all.subList(from, Math.min(all.size(), from + 500));
                    String marks = String.join(", ", java.util.Collections.nCopies(chunk.size(), "?"));
                    try (PreparedStatement s = c.prepareStatement("UPDATE skein_offline_message SET claimed = TRUE"
                            + " WHERE username = ? AND id IN (" + marks + ")")) {
                        bind(s, username, chunk);
                        s.executeUpdate();
                    }
                    try (PreparedStatement s = c.prepareStatement("SELECT id FROM skein_offline_message"
                            + " WHERE username = ? AND id IN (" + marks + ")")) {
                        bind(s, username, chunk);
                        try (ResultSet r = s.executeQuery()) {
                            while (r.next()) {
                                claimed.add(r.getLong(1));
                            }
                        }
                    }
                }
                return claimed;
            });
        } catch (SQLException e) {
            throw new StorageException("cannot claim offline messages of '" + username + "' for a delivery", e);
        }
    }

    private static void bind(PreparedStatement s, String username, List<Long> ids) throws SQLException {
        s.setString(1, username);
        for (int i = 0; i < ids.size(); i++) {
            s.setLong(i + 2, ids.get(i));
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
             PreparedStatement s = c.prepareStatement("SELECT messages FROM skein_offline_quota WHERE username = ?")) {
            s.setString(1, username);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getInt(1) : 0;
            }
        } catch (SQLException e) {
            throw new StorageException("cannot count the offline messages of '" + username + "'", e);
        }
    }

    @Override
    public long bytes(String username) {
        try (Connection c = database.connection();
             PreparedStatement s = c.prepareStatement("SELECT bytes FROM skein_offline_quota WHERE username = ?")) {
            s.setString(1, username);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getLong(1) : 0;
            }
        } catch (SQLException e) {
            throw new StorageException("cannot measure the offline messages of '" + username + "'", e);
        }
    }
}
