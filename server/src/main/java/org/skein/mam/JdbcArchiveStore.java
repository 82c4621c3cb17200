package org.skein.mam;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.skein.storage.Database;
import org.skein.storage.StorageException;

/**
 * Archives in the {@code skein_archive} or {@code skein_muc_archive} table (migration V6). Every query is a range of the primary key
 * {@code (username, id)} or of the index {@code (username, with_bare, id)}, read from one end with a
 * row limit, so a page costs the same in an archive of a thousand rows or of millions.
 */
public final class JdbcArchiveStore implements ArchiveStore {

    private static final int MAX_IDS_PER_STATEMENT = 500;

    private final Database database;
    private final String table;
    private final String owner;

    private JdbcArchiveStore(Database database, String table, String ownerColumn) {
        this.database = Objects.requireNonNull(database, "database");
        this.table = table;
        this.owner = ownerColumn;
    }

    /** The accounts' archives ({@code skein_archive}, owner = the username). */
    public static JdbcArchiveStore accounts(Database database) {
        return new JdbcArchiveStore(database, "skein_archive", "username");
    }

    /** The rooms' archives ({@code skein_muc_archive}, owner = the room's bare JID). */
    public static JdbcArchiveStore rooms(Database database) {
        return new JdbcArchiveStore(database, "skein_muc_archive", "room");
    }

    @Override
    public void append(List<ArchivedMessage> messages) {
        if (messages.isEmpty()) {
            return;
        }
        try (Connection c = database.connection()) {
            boolean single = messages.size() == 1;
            if (!single) {
                c.setAutoCommit(false);
            }
            try (PreparedStatement s = c.prepareStatement("INSERT INTO " + table
                    + " (" + owner + ", id, stamp, with_bare, with_resource, outgoing, stanza) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                for (ArchivedMessage m : messages) {
                    s.setString(1, m.owner());
                    s.setString(2, m.id());
                    s.setLong(3, micros(m.stamp()));
                    s.setString(4, m.withBare());
                    s.setString(5, m.withResource());
                    s.setBoolean(6, m.outgoing());
                    s.setString(7, m.stanza());
                    if (single) {
                        s.executeUpdate();
                    } else {
                        s.addBatch();
                    }
                }
                if (!single) {
                    s.executeBatch();
                    c.commit();
                }
            } catch (SQLException | RuntimeException e) {
                if (!single) {
                    c.rollback();
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new StorageException("cannot archive a message for '" + messages.get(0).owner() + "'", e);
        }
    }

    @Override
    public List<ArchivedMessage> select(ArchiveFilter filter, boolean fromEnd, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        List<Object> args = new ArrayList<>();
        String where = where(filter, args);
        // the order of the index's columns, all one way, so that both databases read the index from one end
        String direction = fromEnd ? " DESC" : " ASC";
        String sql = "SELECT id, stamp, with_bare, with_resource, outgoing, stanza FROM " + table + " WHERE " + where
                + " ORDER BY " + owner + direction + (filter.withBare() != null ? ", with_bare" + direction : "") + ", id" + direction
                + " FETCH FIRST " + limit + " ROWS ONLY";
        try (Connection c = database.connection(); PreparedStatement s = c.prepareStatement(sql)) {
            bind(s, args);
            List<ArchivedMessage> rows = new ArrayList<>(Math.min(limit, 256));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    rows.add(new ArchivedMessage(filter.owner(), r.getString(1), instant(r.getLong(2)), r.getString(3), r.getString(4),
                            r.getBoolean(5), r.getString(6)));
                }
            }
            if (fromEnd) {
                Collections.reverse(rows);
            }
            return rows;
        } catch (SQLException e) {
            throw new StorageException("cannot read the archive of '" + filter.owner() + "'", e);
        }
    }

    @Override
    public long count(ArchiveFilter filter) {
        List<Object> args = new ArrayList<>();
        String sql = "SELECT COUNT(*) FROM " + table + " WHERE " + where(filter, args);
        try (Connection c = database.connection(); PreparedStatement s = c.prepareStatement(sql)) {
            bind(s, args);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        } catch (SQLException e) {
            throw new StorageException("cannot count the archive of '" + filter.owner() + "'", e);
        }
    }

    @Override
    public Set<String> existing(String archive, Collection<String> ids) {
        Set<String> found = new HashSet<>();
        List<String> all = new ArrayList<>(new HashSet<>(ids));
        try (Connection c = database.connection()) {
            for (int from = 0; from < all.size(); from += MAX_IDS_PER_STATEMENT) {
                List<String> chunk = all.subList(from, Math.min(all.size(), from + MAX_IDS_PER_STATEMENT));
                try (PreparedStatement s = c.prepareStatement("SELECT id FROM " + table + " WHERE " + owner + " = ? AND id IN ("
                        + placeholders(chunk.size()) + ")")) {
                    s.setString(1, archive);
                    for (int i = 0; i < chunk.size(); i++) {
                        s.setString(i + 2, chunk.get(i));
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
            throw new StorageException("cannot read the archive of '" + archive + "'", e);
        }
    }

    @Override
    public void remove(String archive, Collection<String> ids) {
        try (Connection c = database.connection();
             PreparedStatement s = c.prepareStatement("DELETE FROM " + table + " WHERE " + owner + " = ? AND id = ?")) {
            for (String id : ids) {
                s.setString(1, archive);
                s.setString(2, id);
                s.addBatch();
            }
            s.executeBatch();
        } catch (SQLException e) {
            throw new StorageException("cannot remove messages from the archive of '" + archive + "'", e);
        }
    }

    @Override
    public long removeAll(String ownerValue) {
        try (Connection c = database.connection();
             PreparedStatement s = c.prepareStatement("DELETE FROM " + table + " WHERE " + owner + " = ?")) {
            s.setString(1, ownerValue);
            return s.executeUpdate();
        } catch (SQLException e) {
            throw new StorageException("cannot empty the archive of '" + ownerValue + "'", e);
        }
    }

    @Override
    public long removeOlderThan(Instant cutoff, int batch) {
        // in batches by the id index, so a large purge holds no long lock and each statement is short
        String bound = org.skein.stanzaid.StanzaIdGenerator.lowestIdAt(cutoff);
        long removed = 0;
        try (Connection c = database.connection()) {
            while (true) {
                List<String[]> keys = new ArrayList<>();
                try (PreparedStatement s = c.prepareStatement("SELECT " + owner + ", id FROM " + table + " WHERE id < ? ORDER BY id FETCH FIRST "
                        + batch + " ROWS ONLY")) {
                    s.setString(1, bound);
                    try (ResultSet r = s.executeQuery()) {
                        while (r.next()) {
                            keys.add(new String[] {r.getString(1), r.getString(2)});
                        }
                    }
                }
                if (keys.isEmpty()) {
                    return removed;
                }
                try (PreparedStatement s = c.prepareStatement("DELETE FROM " + table + " WHERE " + owner + " = ? AND id = ?")) {
                    for (String[] key : keys) {
                        s.setString(1, key[0]);
                        s.setString(2, key[1]);
                        s.addBatch();
                    }
                    s.executeBatch();
                }
                removed += keys.size();
                if (keys.size() < batch) {
                    return removed;
                }
            }
        } catch (SQLException e) {
            throw new StorageException("cannot remove archived messages older than " + cutoff + " from " + table, e);
        }
    }

    @Override
    public List<ArchiveSize> largest(int limit) {
        List<ArchiveSize> sizes = new ArrayList<>();
        try (Connection c = database.connection();
             PreparedStatement s = c.prepareStatement("SELECT " + owner + ", COUNT(*), SUM(LENGTH(stanza)) FROM " + table
                     + " GROUP BY " + owner + " ORDER BY COUNT(*) DESC, " + owner + " FETCH FIRST " + limit + " ROWS ONLY")) {
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    sizes.add(new ArchiveSize(r.getString(1), r.getLong(2), r.getLong(3)));
                }
            }
            return sizes;
        } catch (SQLException e) {
            throw new StorageException("cannot read the sizes of the archives in " + table, e);
        }
    }

    private String where(ArchiveFilter filter, List<Object> args) {
        StringBuilder where = new StringBuilder(owner + " = ?");
        args.add(filter.owner());
        if (filter.withBare() != null) {
            where.append(" AND with_bare = ?");
            args.add(filter.withBare());
            if (filter.withResource() != null) {
                where.append(" AND with_resource = ?");
                args.add(filter.withResource());
            }
        }
        if (filter.after() != null) {
            where.append(" AND id > ?");
            args.add(filter.after());
        }
        if (filter.before() != null) {
            where.append(" AND id < ?");
            args.add(filter.before());
        }
        if (!filter.ids().isEmpty()) {
            where.append(" AND id IN (").append(placeholders(filter.ids().size())).append(')');
            args.addAll(filter.ids());
        }
        return where.toString();
    }

    private static void bind(PreparedStatement s, List<Object> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            s.setString(i + 1, (String) args.get(i));
        }
    }

    private static String placeholders(int n) {
        return String.join(", ", Collections.nCopies(n, "?"));
    }

    private static long micros(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
    }

    private static Instant instant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
    }
}
