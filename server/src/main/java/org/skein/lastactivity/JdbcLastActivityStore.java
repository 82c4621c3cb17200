package org.skein.lastactivity;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.skein.storage.Database;
import org.skein.storage.StorageException;

/** Last logouts in the {@code skein_last_activity} table (removed with the account by the foreign key's cascade). */
public final class JdbcLastActivityStore implements LastActivityStore {

    private final Database database;

    public JdbcLastActivityStore(Database database) {
        this.database = Objects.requireNonNull(database, "database");
    }

    @Override
    public Optional<LastActivity> find(String username) {
        try (Connection c = database.connection();
             PreparedStatement s = c.prepareStatement("SELECT stamp, status FROM skein_last_activity WHERE username = ?")) {
            s.setString(1, username);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(new LastActivity(Instant.ofEpochMilli(r.getLong(1)), r.getString(2))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StorageException("cannot read the last activity of '" + username + "'", e);
        }
    }

    @Override
    public void record(String username, LastActivity activity) {
        long stamp = activity.stamp().toEpochMilli();
        try (Connection c = database.connection()) {
            for (int attempt = 0; ; attempt++) {
                try (PreparedStatement s = c.prepareStatement(
                        "UPDATE skein_last_activity SET stamp = ?, status = ? WHERE username = ? AND stamp <= ?")) {
                    s.setLong(1, stamp);
                    s.setString(2, activity.status());
                    s.setString(3, username);
                    s.setLong(4, stamp);
                    if (s.executeUpdate() > 0) {
                        return;
                    }
                }
                // no row yet (or a later one): insert only for an existing account without a row
                try (PreparedStatement s = c.prepareStatement(
                        "INSERT INTO skein_last_activity (username, stamp, status) SELECT username, ?, ? FROM skein_user u "
                                + "WHERE u.username = ? AND NOT EXISTS (SELECT 1 FROM skein_last_activity a WHERE a.username = u.username)")) {
                    s.setLong(1, stamp);
                    s.setString(2, activity.status());
                    s.setString(3, username);
                    s.executeUpdate();
                    return;
                } catch (SQLException e) {
                    // another node inserted the first row meanwhile: the update decides once more
                    if (attempt > 0) {
                        throw e;
                    }
                }
            }
        } catch (SQLException e) {
            throw new StorageException("cannot record the last activity of '" + username + "'", e);
        }
    }
}
