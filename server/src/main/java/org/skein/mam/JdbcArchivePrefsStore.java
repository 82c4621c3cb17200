package org.skein.mam;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.skein.storage.Database;
import org.skein.storage.StorageException;

/** Archiving preferences in {@code skein_archive_prefs} and {@code skein_archive_pref_jid} (migration V6). */
final class JdbcArchivePrefsStore {

    private final Database database;

    JdbcArchivePrefsStore(Database database) {
        this.database = Objects.requireNonNull(database, "database");
    }

    /** The account's preferences, if it set any. */
    Optional<ArchivePrefs> load(String username) {
        try (Connection c = database.connection()) {
            ArchivePrefs.Mode mode;
            try (PreparedStatement s = c.prepareStatement("SELECT default_mode FROM skein_archive_prefs WHERE username = ?")) {
                s.setString(1, username);
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) {
                        return Optional.empty();
                    }
                    mode = ArchivePrefs.Mode.of(r.getString(1));
                }
            }
            Set<String> always = new HashSet<>();
            Set<String> never = new HashSet<>();
            try (PreparedStatement s = c.prepareStatement("SELECT jid, always FROM skein_archive_pref_jid WHERE username = ?")) {
                s.setString(1, username);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        (r.getBoolean(2) ? always : never).add(r.getString(1));
                    }
                }
            }
            return Optional.of(new ArchivePrefs(mode == null ? ArchivePrefs.Mode.ALWAYS : mode, always, never));
        } catch (SQLException e) {
            throw new StorageException("cannot read the archiving preferences of '" + username + "'", e);
        }
    }

    /** Replaces the account's preferences, all or nothing. */
    void save(String username, ArchivePrefs prefs) {
        try (Connection c = database.connection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement s = c.prepareStatement("DELETE FROM skein_archive_pref_jid WHERE username = ?")) {
                    s.setString(1, username);
                    s.executeUpdate();
                }
                try (PreparedStatement s = c.prepareStatement("DELETE FROM skein_archive_prefs WHERE username = ?")) {
                    s.setString(1, username);
                    s.executeUpdate();
                }
                try (PreparedStatement s = c.prepareStatement("INSERT INTO skein_archive_prefs (username, default_mode) VALUES (?, ?)")) {
                    s.setString(1, username);
                    s.setString(2, prefs.defaultMode().attribute());
                    s.executeUpdate();
                }
                try (PreparedStatement s = c.prepareStatement("INSERT INTO skein_archive_pref_jid (username, jid, always) VALUES (?, ?, ?)")) {
                    for (String jid : prefs.always()) {
                        s.setString(1, username);
                        s.setString(2, jid);
                        s.setBoolean(3, true);
                        s.addBatch();
                    }
                    for (String jid : prefs.never()) {
                        if (!prefs.always().contains(jid)) {
                            s.setString(1, username);
                            s.setString(2, jid);
                            s.setBoolean(3, false);
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
            throw new StorageException("cannot store the archiving preferences of '" + username + "'", e);
        }
    }
}
