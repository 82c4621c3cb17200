package org.skein.storage;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.skein.auth.ServerSecrets;

/**
 * Server secrets in the {@code skein_server_secret} table, read once per name and kept in memory. The
 * first node that asks for a name inserts a random value; a node that loses that race reads the
 * winner's.
 */
public final class JdbcServerSecrets implements ServerSecrets {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Database database;
    private final Clock clock;
    private final Map<String, byte[]> known = new ConcurrentHashMap<>();

    public JdbcServerSecrets(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    @Override
    public byte[] secret(String name) {
        return known.computeIfAbsent(name, this::readOrCreate).clone();
    }

    private byte[] readOrCreate(String name) {
        try (Connection c = database.connection()) {
            byte[] existing = read(c, name);
            if (existing != null) {
                return existing;
            }
            byte[] fresh = new byte[32];
            RANDOM.nextBytes(fresh);
            try (PreparedStatement s = c.prepareStatement("INSERT INTO skein_server_secret (name, secret, created_at) VALUES (?, ?, ?)")) {
                s.setString(1, name);
                s.setString(2, Base64.getEncoder().encodeToString(fresh));
                s.setLong(3, clock.millis());
                s.executeUpdate();
                return fresh;
            } catch (SQLException e) {
                byte[] winner = read(c, name); // another node inserted it first
                if (winner != null) {
                    return winner;
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new StorageException("cannot read or create the server secret '" + name + "'", e);
        }
    }

    private static byte[] read(Connection c, String name) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT secret FROM skein_server_secret WHERE name = ?")) {
            s.setString(1, name);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Base64.getDecoder().decode(r.getString(1)) : null;
            }
        }
    }
}
