package org.skein.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.skein.auth.ScramAlgorithm;
import org.skein.auth.ScramCredentials;
import org.skein.user.User;
import org.skein.user.UserAlreadyExistsException;
import org.skein.user.UserNotFoundException;
import org.skein.user.UserStore;

/** Accounts in the {@code skein_user} and {@code skein_user_credential} tables. */
public final class JdbcUserStore implements UserStore {

    private final Database database;
    private final Clock clock;

    public JdbcUserStore(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    @Override
    public Optional<User> find(String username) {
        try (Connection c = database.connection();
             PreparedStatement s = c.prepareStatement("SELECT name, email, created_at FROM skein_user WHERE username = ?")) {
            s.setString(1, username);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                return Optional.of(new User(username, r.getString(1), r.getString(2), Instant.ofEpochMilli(r.getLong(3))));
            }
        } catch (SQLException e) {
            throw new StorageException("cannot read user '" + username + "'", e);
        }
    }

    @Override
    public User create(String username, List<ScramCredentials> credentials, String name, String email)
            throws UserAlreadyExistsException {
        User user = new User(username, name, email, clock.instant());
        try (Connection c = database.connection()) {
            c.setAutoCommit(false);
            try {
                if (exists(c, username)) {
                    throw new UserAlreadyExistsException(username);
                }
                try (PreparedStatement s = c.prepareStatement(
                        "INSERT INTO skein_user (username, name, email, created_at) VALUES (?, ?, ?, ?)")) {
                    s.setString(1, username);
                    s.setString(2, user.name());
                    s.setString(3, user.email());
                    s.setLong(4, user.created().toEpochMilli());
                    s.executeUpdate();
                }
                insertCredentials(c, username, credentials);
                c.commit();
                return user;
            } catch (SQLException e) {
                c.rollback();
                if (exists(c, username)) {
                    throw new UserAlreadyExistsException(username); // lost a race with another node
                }
                throw e;
            } catch (UserAlreadyExistsException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StorageException("cannot create user '" + username + "'", e);
        }
    }

    @Override
    public void delete(String username) throws UserNotFoundException {
        try (Connection c = database.connection();
             PreparedStatement s = c.prepareStatement("DELETE FROM skein_user WHERE username = ?")) {
            s.setString(1, username);
            if (s.executeUpdate() == 0) {
                throw new UserNotFoundException(username);
            }
        } catch (SQLException e) {
            throw new StorageException("cannot delete user '" + username + "'", e);
        }
    }

    @Override
    public void setCredentials(String username, List<ScramCredentials> credentials) throws UserNotFoundException {
        try (Connection c = database.connection()) {
            c.setAutoCommit(false);
            try {
                if (!exists(c, username)) {
                    throw new UserNotFoundException(username);
                }
                try (PreparedStatement s = c.prepareStatement("DELETE FROM skein_user_credential WHERE username = ?")) {
                    s.setString(1, username);
                    s.executeUpdate();
                }
                insertCredentials(c, username, credentials);
                c.commit();
            } catch (SQLException | UserNotFoundException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StorageException("cannot change the password of user '" + username + "'", e);
        }
    }

    @Override
    public Optional<ScramCredentials> credentials(String username, ScramAlgorithm algorithm) {
        try (Connection c = database.connection();
             PreparedStatement s = c.prepareStatement(
                     "SELECT salt, iterations, stored_key, server_key FROM skein_user_credential WHERE username = ? AND mechanism = ?")) {
            s.setString(1, username);
            s.setString(2, algorithm.mechanism());
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                Base64.Decoder b64 = Base64.getDecoder();
                return Optional.of(new ScramCredentials(algorithm, b64.decode(r.getString(1)), r.getInt(2),
                        b64.decode(r.getString(3)), b64.decode(r.getString(4))));
            }
        } catch (SQLException e) {
            throw new StorageException("cannot read the credentials of user '" + username + "'", e);
        }
    }

    @Override
    public List<String> usernames(int offset, int limit) {
        try (Connection c = database.connection();
             PreparedStatement s = c.prepareStatement("SELECT username FROM skein_user ORDER BY username OFFSET ? ROWS FETCH NEXT ? ROWS ONLY")) {
            s.setInt(1, Math.max(0, offset));
            s.setInt(2, Math.max(0, limit));
            List<String> names = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    names.add(r.getString(1));
                }
            }
            return names;
        } catch (SQLException e) {
            throw new StorageException("cannot list users", e);
        }
    }

    @Override
    public int count() {
        try (Connection c = database.connection();
             PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM skein_user");
             ResultSet r = s.executeQuery()) {
            r.next();
            return r.getInt(1);
        } catch (SQLException e) {
            throw new StorageException("cannot count users", e);
        }
    }

    private static boolean exists(Connection c, String username) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM skein_user WHERE username = ?")) {
            s.setString(1, username);
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        }
    }

    private static void insertCredentials(Connection c, String username, List<ScramCredentials> credentials) throws SQLException {
        Base64.Encoder b64 = Base64.getEncoder();
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO skein_user_credential (username, mechanism, salt, iterations, stored_key, server_key) VALUES (?, ?, ?, ?, ?, ?)")) {
            for (ScramCredentials cred : credentials) {
                s.setString(1, username);
                s.setString(2, cred.algorithm().mechanism());
                s.setString(3, b64.encodeToString(cred.salt()));
                s.setInt(4, cred.iterations());
                s.setString(5, b64.encodeToString(cred.storedKey()));
                s.setString(6, b64.encodeToString(cred.serverKey()));
                s.addBatch();
            }
            s.executeBatch();
        }
    }
}
