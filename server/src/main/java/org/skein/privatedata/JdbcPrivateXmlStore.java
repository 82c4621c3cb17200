package org.skein.privatedata;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.skein.storage.Database;
import org.skein.storage.StorageException;

/** Private XML in the {@code skein_private_xml} table (removed with the account by the foreign key's cascade). */
public final class JdbcPrivateXmlStore implements PrivateXmlStore {

    private final Database database;

    public JdbcPrivateXmlStore(Database database) {
        this.database = Objects.requireNonNull(database, "database");
    }

    @Override
    public Optional<String> find(String username, String namespace) {
        try (Connection c = database.connection();
             PreparedStatement s = c.prepareStatement("SELECT xml FROM skein_private_xml WHERE username = ? AND namespace = ?")) {
            s.setString(1, username);
            s.setString(2, namespace);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StorageException("cannot read the private XML " + namespace + " of '" + username + "'", e);
        }
    }

    @Override
    public boolean put(String username, Map<String, String> xmlByNamespace, long maxBytes) {
        for (int attempt = 0; ; attempt++) {
            try {
                return tryPut(username, xmlByNamespace, maxBytes);
            } catch (SQLException e) {
                // two first writes of one namespace at once: one loses the primary key race; once more
                if (attempt > 0) {
                    throw new StorageException("cannot store the private XML " + xmlByNamespace.keySet() + " of '" + username + "'", e);
                }
            }
        }
    }

    private boolean tryPut(String username, Map<String, String> xmlByNamespace, long maxBytes) throws SQLException {
        try (Connection c = database.connection()) {
            c.setAutoCommit(false);
            try {
                long total = 0;
                try (PreparedStatement s = c.prepareStatement("SELECT namespace, bytes FROM skein_private_xml WHERE username = ?")) {
                    s.setString(1, username);
                    try (ResultSet r = s.executeQuery()) {
                        while (r.next()) {
                            total += xmlByNamespace.containsKey(r.getString(1)) ? 0 : r.getLong(2);
                        }
                    }
                }
                for (String xml : xmlByNamespace.values()) {
                    total += xml.getBytes(StandardCharsets.UTF_8).length;
                }
                if (total > maxBytes) {
                    c.rollback();
                    return false;
                }
                try (PreparedStatement delete = c.prepareStatement("DELETE FROM skein_private_xml WHERE username = ? AND namespace = ?");
                     PreparedStatement insert = c.prepareStatement(
                             "INSERT INTO skein_private_xml (username, namespace, xml, bytes) VALUES (?, ?, ?, ?)")) {
                    for (Map.Entry<String, String> entry : xmlByNamespace.entrySet()) {
                        delete.setString(1, username);
                        delete.setString(2, entry.getKey());
                        delete.executeUpdate();
                        insert.setString(1, username);
                        insert.setString(2, entry.getKey());
                        insert.setString(3, entry.getValue());
                        insert.setInt(4, entry.getValue().getBytes(StandardCharsets.UTF_8).length);
                        insert.executeUpdate();
                    }
                }
                c.commit();
                return true;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    @Override
    public long size(String username) {
        try (Connection c = database.connection();
             PreparedStatement s = c.prepareStatement("SELECT COALESCE(SUM(bytes), 0) FROM skein_private_xml WHERE username = ?")) {
            s.setString(1, username);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        } catch (SQLException e) {
            throw new StorageException("cannot read the size of the private XML of '" + username + "'", e);
        }
    }
}
