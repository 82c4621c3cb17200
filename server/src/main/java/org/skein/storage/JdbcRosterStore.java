package org.skein.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.skein.roster.RosterItem;
import org.skein.roster.RosterStore;
import org.skein.roster.Subscription;

/** Rosters in the {@code skein_roster_item} and {@code skein_roster_group} tables. */
public final class JdbcRosterStore implements RosterStore {

    private final Database database;

    public JdbcRosterStore(Database database) {
        this.database = database;
    }

    @Override
    public List<RosterItem> items(String username) {
        try (Connection c = database.connection()) {
            return read(c, username, null);
        } catch (SQLException e) {
            throw new StorageException("cannot read the roster of '" + username + "'", e);
        }
    }

    @Override
    public Optional<RosterItem> find(String username, String contactJid) {
        try (Connection c = database.connection()) {
            return read(c, username, contactJid).stream().findFirst();
        } catch (SQLException e) {
            throw new StorageException("cannot read roster item " + contactJid + " of '" + username + "'", e);
        }
    }

    @Override
    public void put(String username, RosterItem item) {
        try (Connection c = database.connection()) {
            c.setAutoCommit(false);
            try {
                int updated;
                try (PreparedStatement s = c.prepareStatement(
                        "UPDATE skein_roster_item SET name = ?, subscription = ?, pending_out = ?, pending_in = ? WHERE username = ? AND contact_jid = ?")) {
                    bindItem(s, item);
                    s.setString(5, username);
                    s.setString(6, item.jid());
                    updated = s.executeUpdate();
                }
                if (updated == 0) {
                    try (PreparedStatement s = c.prepareStatement(
                            "INSERT INTO skein_roster_item (name, subscription, pending_out, pending_in, username, contact_jid) VALUES (?, ?, ?, ?, ?, ?)")) {
                        bindItem(s, item);
                        s.setString(5, username);
                        s.setString(6, item.jid());
                        s.executeUpdate();
                    }
                }
                try (PreparedStatement s = c.prepareStatement("DELETE FROM skein_roster_group WHERE username = ? AND contact_jid = ?")) {
                    s.setString(1, username);
                    s.setString(2, item.jid());
                    s.executeUpdate();
                }
                if (!item.groups().isEmpty()) {
                    try (PreparedStatement s = c.prepareStatement(
                            "INSERT INTO skein_roster_group (username, contact_jid, group_name) VALUES (?, ?, ?)")) {
                        for (String group : new TreeSet<>(item.groups())) {
                            s.setString(1, username);
                            s.setString(2, item.jid());
                            s.setString(3, group);
                            s.addBatch();
                        }
                        s.executeBatch();
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StorageException("cannot store roster item " + item.jid() + " of '" + username + "'", e);
        }
    }

    @Override
    public boolean remove(String username, String contactJid) {
        try (Connection c = database.connection();
             PreparedStatement s = c.prepareStatement("DELETE FROM skein_roster_item WHERE username = ? AND contact_jid = ?")) {
            s.setString(1, username);
            s.setString(2, contactJid);
            return s.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new StorageException("cannot remove roster item " + contactJid + " of '" + username + "'", e);
        }
    }

    private static void bindItem(PreparedStatement s, RosterItem item) throws SQLException {
        s.setString(1, item.name());
        s.setString(2, item.subscription().xmlValue());
        s.setBoolean(3, item.pendingOut());
        s.setBoolean(4, item.pendingIn());
    }

    private static List<RosterItem> read(Connection c, String username, String onlyJid) throws SQLException {
        String filter = onlyJid == null ? "" : " AND contact_jid = ?";
        Map<String, Set<String>> groups = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement(
                "SELECT contact_jid, group_name FROM skein_roster_group WHERE username = ?" + filter)) {
            s.setString(1, username);
            if (onlyJid != null) {
                s.setString(2, onlyJid);
            }
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    groups.computeIfAbsent(r.getString(1), k -> new TreeSet<>()).add(r.getString(2));
                }
            }
        }
        Map<String, RosterItem> items = new LinkedHashMap<>();
        try (PreparedStatement s = c.prepareStatement(
                "SELECT contact_jid, name, subscription, pending_out, pending_in FROM skein_roster_item WHERE username = ?"
                        + filter + " ORDER BY contact_jid")) {
            s.setString(1, username);
            if (onlyJid != null) {
                s.setString(2, onlyJid);
            }
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    String jid = r.getString(1);
                    items.put(jid, new RosterItem(jid, r.getString(2), groups.getOrDefault(jid, Set.of()),
                            Subscription.valueOf(r.getString(3).toUpperCase(Locale.ROOT)), r.getBoolean(4), r.getBoolean(5)));
                }
            }
        }
        return new ArrayList<>(items.values());
    }
}
