package org.skein.blocking;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.skein.storage.Database;
import org.skein.storage.StorageException;

/** Block lists in the {@code skein_block_item} table (removed with the account by the foreign key's cascade). */
public final class JdbcBlockListStore implements BlockListStore {

    private final Database database;

    public JdbcBlockListStore(Database database) {
        this.database = Objects.requireNonNull(database, "database");
    }

    @Override
    public Set<String> items(String username) {
        try (Connection c = database.connection();
             PreparedStatement s = c.prepareStatement("SELECT jid FROM skein_block_item WHERE username = ?")) {
            s.setString(1, username);
            Set<String> jids = new TreeSet<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    jids.add(r.getString(1));
                }
            }
            return jids;
        } catch (SQLException e) {
            throw new StorageException("cannot read the block list of '" + username + "'", e);
        }
    }

    @Override
    public void add(String username, Collection<String> jids) {
        try (Connection c = database.connection()) {
            c.setAutoCommit(false);
            try {
                Set<String> present = new TreeSet<>();
                try (PreparedStatement s = c.prepareStatement("SELECT jid FROM skein_block_item WHERE username = ?")) {
                    s.setString(1, username);
                    try (ResultSet r = s.executeQuery()) {
                        while (r.next()) {
                            present.add(r.getString(1));
                        }
                    }
                }
                try (PreparedStatement s = c.prepareStatement("INSERT INTO skein_block_item (username, jid) VALUES (?, ?)")) {
                    for (String jid : new TreeSet<>(jids)) {
                        if (!present.contains(jid)) {
                            s.setString(1, username);
                            s.setString(2, jid);
                            s.addBatch();
                        }
                    }
                    s.executeBatch();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StorageException("cannot add to the block list of '" + username + "'", e);
        }
    }

    @Override
    public void remove(String username, Collection<String> jids) {
        try (Connection c = database.connection();
             PreparedStatement s = c.prepareStatement("DELETE FROM skein_block_item WHERE username = ? AND jid = ?")) {
            for (String jid : jids) {
                s.setString(1, username);
                s.setString(2, jid);
                s.addBatch();
            }
            s.executeBatch();
        } catch (SQLException e) {
            throw new StorageException("cannot remove from the block list of '" + username + "'", e);
        }
    }

    @Override
    public void clear(String username) {
        try (Connection c = database.connection();
             PreparedStatement s = c.prepareStatement("DELETE FROM skein_block_item WHERE username = ?")) {
            s.setString(1, username);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new StorageException("cannot clear the block list of '" + username + "'", e);
        }
    }
}
