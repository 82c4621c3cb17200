package org.skein.vcard;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import org.skein.storage.Database;
import org.skein.storage.StorageException;

/** vCards in the {@code skein_vcard} table (removed with the account by the foreign key's cascade). */
public final class JdbcVCardStore implements VCardStore {

    private final Database database;
    private final Clock clock;

    public JdbcVCardStore(Database database, Clock clock) {
        this.database = Objects.requireNonNull(database, "database");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Optional<String> find(String username) {
        try (Connection c = database.connection();
             PreparedStatement s = c.prepareStatement("SELECT vcard FROM skein_vcard WHERE username = ?")) {
            s.setString(1, username);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StorageException("cannot read the vCard of '" + username + "'", e);
        }
    }

    @Override
    public void put(String username, String vcardXml) {
        long now = clock.millis();
        try (Connection c = database.connection()) {
            // update first, insert if there was no row; a concurrent insert of the same user's first vCard
            // loses the primary key race and is retried as an update
            for (int attempt = 0; ; attempt++) {
                try (PreparedStatement s = c.prepareStatement("UPDATE skein_vcard SET vcard = ?, updated_at = ? WHERE username = ?")) {
                    s.setString(1, vcardXml);
                    s.setLong(2, now);
                    s.setString(3, username);
                    if (s.executeUpdate() > 0) {
                        return;
                    }
                }
                try (PreparedStatement s = c.prepareStatement("INSERT INTO skein_vcard (username, vcard, updated_at) VALUES (?, ?, ?)")) {
                    s.setString(1, username);
                    s.setString(2, vcardXml);
                    s.setLong(3, now);
                    s.executeUpdate();
                    return;
                } catch (SQLException e) {
                    if (attempt > 0 || !exists(c, username)) {
                        throw e;
                    }
                }
            }
        } catch (SQLException e) {
            throw new StorageException("cannot store the vCard of '" + username + "'", e);
        }
    }

    private static boolean exists(Connection c, String username) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM skein_vcard WHERE username = ?")) {
            s.setString(1, username);
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        }
    }

    @Override
    public boolean delete(String username) {
        try (Connection c = database.connection();
             PreparedStatement s = c.prepareStatement("DELETE FROM skein_vcard WHERE username = ?")) {
            s.setString(1, username);
            return s.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new StorageException("cannot remove the vCard of '" + username + "'", e);
        }
    }
}
