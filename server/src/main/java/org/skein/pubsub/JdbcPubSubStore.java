package org.skein.pubsub;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.skein.storage.Database;
import org.skein.storage.StorageException;
import org.xmpp.packet.PacketError;

/**
 * The {@link PubSubStore} in the {@code skein_pubsub_*} tables (migration V4), on H2 or PostgreSQL.
 * A write locks its node's row ({@code SELECT ... FOR UPDATE}) for the length of its transaction, so
 * writes to one node from any node of a cluster happen one after the other, each with a new version.
 */
public final class JdbcPubSubStore implements PubSubStore {

    private static final String UNIQUE_VIOLATION = "23505";

    private final Database database;

    public JdbcPubSubStore(Database database) {
        this.database = Objects.requireNonNull(database, "database");
    }

    // --- reads ---

    @Override
    public Optional<NodeState> node(String service, String node) {
        try (Connection c = database.connection()) {
            Map<String, NodeState> nodes = load(c, service, node);
            return Optional.ofNullable(nodes.get(node));
        } catch (SQLException e) {
            throw new StorageException("cannot read pubsub node '" + node + "' of " + service, e);
        }
    }

    @Override
    public Map<String, NodeState> nodes(String service) {
        try (Connection c = database.connection()) {
            return load(c, service, null);
        } catch (SQLException e) {
            throw new StorageException("cannot read the pubsub nodes of " + service, e);
        }
    }

    /** Nodes of a service (one, or all with {@code onlyNode} null) with their affiliations and subscriptions. */
    private static Map<String, NodeState> load(Connection c, String service, String onlyNode) throws SQLException {
        String filter = onlyNode == null ? "" : " AND node = ?";
        Map<String, Object[]> rows = new LinkedHashMap<>();
        try (PreparedStatement s = c.prepareStatement(
                "SELECT node, creator, created_at, config, version FROM skein_pubsub_node WHERE service = ?" + filter
                        + " ORDER BY node")) {
            bind(s, service, onlyNode);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    rows.put(r.getString(1), new Object[] {r.getString(2), r.getLong(3), r.getString(4), r.getLong(5)});
                }
            }
        }
        if (rows.isEmpty()) {
            return Map.of();
        }
        Map<String, Map<String, Affiliation>> affiliations = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement(
                "SELECT node, jid, affiliation FROM skein_pubsub_affiliation WHERE service = ?" + filter)) {
            bind(s, service, onlyNode);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    try {
                        affiliations.computeIfAbsent(r.getString(1), k -> new HashMap<>())
                                .put(r.getString(2), Affiliation.fromXml(r.getString(3)));
                    } catch (IllegalArgumentException e) {
                        // a value this version does not know: left out
                    }
                }
            }
        }
        Map<String, List<Subscriber>> subscriptions = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement(
                "SELECT node, subid, jid, state, options, session_node FROM skein_pubsub_subscription WHERE service = ?"
                        + filter + " ORDER BY created_at, subid")) {
            bind(s, service, onlyNode);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    subscriptions.computeIfAbsent(r.getString(1), k -> new ArrayList<>())
                            .add(new Subscriber(r.getString(2), r.getString(3), r.getString(4), r.getString(5), r.getString(6)));
                }
            }
        }
        Map<String, NodeState> nodes = new LinkedHashMap<>();
        for (Map.Entry<String, Object[]> row : rows.entrySet()) {
            Object[] v = row.getValue();
            nodes.put(row.getKey(), new NodeState(service, row.getKey(), NodeConfig.parse((String) v[2], NodeConfig.SERVICE_DEFAULTS),
                    (String) v[0], (Long) v[1], (Long) v[3], affiliations.getOrDefault(row.getKey(), Map.of()),
                    subscriptions.getOrDefault(row.getKey(), List.of())));
        }
        return nodes;
    }

    private static void bind(PreparedStatement s, String service, String onlyNode) throws SQLException {
        s.setString(1, service);
        if (onlyNode != null) {
            s.setString(2, onlyNode);
        }
    }

    @Override
    public Map<String, PublishedItem> lastItems(String service) {
        try (Connection c = database.connection();
             PreparedStatement s = c.prepareStatement(
                     "SELECT i.node, i.item_id, i.seq, i.publisher, i.created_at, i.payload FROM skein_pubsub_item i"
                             + " WHERE i.service = ? AND i.seq = (SELECT MAX(j.seq) FROM skein_pubsub_item j"
                             + " WHERE j.service = i.service AND j.node = i.node)")) {
            s.setString(1, service);
            Map<String, PublishedItem> last = new HashMap<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    last.put(r.getString(1), new PublishedItem(r.getString(2), r.getLong(3), r.getString(4), r.getLong(5), r.getString(6)));
                }
            }
            return last;
        } catch (SQLException e) {
            throw new StorageException("cannot read the last items of " + service, e);
        }
    }

    @Override
    public List<String> nodeNames(String service, int offset, int limit) {
        try (Connection c = database.connection();
             PreparedStatement s = c.prepareStatement(
                     "SELECT node FROM skein_pubsub_node WHERE service = ? ORDER BY node OFFSET ? ROWS FETCH NEXT ? ROWS ONLY")) {
            s.setString(1, service);
            s.setInt(2, Math.max(0, offset));
            s.setInt(3, Math.max(0, limit));
            List<String> names = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    names.add(r.getString(1));
                }
            }
            return names;
        } catch (SQLException e) {
            throw new StorageException("cannot list the nodes of " + service, e);
        }
    }

    @Override
    public int nodeCount(String service) {
        return count("SELECT COUNT(*) FROM skein_pubsub_node WHERE service = ?", service, null);
    }

    @Override
    public int itemCount(String service, String node) {
        return count("SELECT COUNT(*) FROM skein_pubsub_item WHERE service = ? AND node = ?", service, node);
    }

    private int count(String sql, String service, String node) {
        try (Connection c = database.connection(); PreparedStatement s = c.prepareStatement(sql)) {
            bind(s, service, node);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        } catch (SQLException e) {
            throw new StorageException("cannot count in " + service, e);
        }
    }

    @Override
    public List<PublishedItem> items(String service, String node, Collection<String> ids, int max) {
        if (ids != null && ids.isEmpty()) {
            return List.of();
        }
        StringBuilder sql = new StringBuilder(
                "SELECT item_id, seq, publisher, created_at, payload FROM skein_pubsub_item WHERE service = ? AND node = ?");
        if (ids != null) {
            sql.append(" AND item_id IN (").append("?,".repeat(ids.size() - 1)).append("?)");
        }
        sql.append(" ORDER BY seq DESC FETCH FIRST ? ROWS ONLY");
        try (Connection c = database.connection(); PreparedStatement s = c.prepareStatement(sql.toString())) {
            int i = 1;
            s.setString(i++, service);
            s.setString(i++, node);
            if (ids != null) {
                for (String id : ids) {
                    s.setString(i++, id);
                }
            }
            s.setInt(i, Math.max(0, max));
            List<PublishedItem> items = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    items.add(new PublishedItem(r.getString(1), r.getLong(2), r.getString(3), r.getLong(4), r.getString(5)));
                }
            }
            return items;
        } catch (SQLException e) {
            throw new StorageException("cannot read the items of '" + node + "' of " + service, e);
        }
    }

    @Override
    public List<PublishedItem> itemsPage(String service, String node, Long olderThan, Long newerThan, int max) {
        StringBuilder sql = new StringBuilder(
                "SELECT item_id, seq, publisher, created_at, payload FROM skein_pubsub_item WHERE service = ? AND node = ?");
        if (olderThan != null) {
            sql.append(" AND seq < ?");
        }
        if (newerThan != null) {
            sql.append(" AND seq > ?");
        }
        boolean ascending = newerThan != null && olderThan == null;
        sql.append(" ORDER BY seq ").append(ascending ? "ASC" : "DESC").append(" FETCH FIRST ? ROWS ONLY");
        try (Connection c = database.connection(); PreparedStatement s = c.prepareStatement(sql.toString())) {
            int i = 1;
            s.setString(i++, service);
            s.setString(i++, node);
            if (olderThan != null) {
                s.setLong(i++, olderThan);
            }
            if (newerThan != null) {
                s.setLong(i++, newerThan);
            }
            s.setInt(i, Math.max(0, max));
            List<PublishedItem> items = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    items.add(new PublishedItem(r.getString(1), r.getLong(2), r.getString(3), r.getLong(4), r.getString(5)));
                }
            }
            if (ascending) {
                java.util.Collections.reverse(items);
            }
            return items;
        } catch (SQLException e) {
            throw new StorageException("cannot read the items of '" + node + "' of " + service, e);
        }
    }

    // --- writes ---

    @Override
    public NodeState create(String service, String node, String ownerUsername, String creator, NodeConfig config,
                            long created, Collection<String> owners) {
        try {
            return inTransaction(c -> {
                insertNode(c, service, node, ownerUsername, creator, config, created, owners);
                return load(c, service, node).get(node);
            });
        } catch (SQLException e) {
            if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw new PubSubException(PacketError.Condition.conflict, null, "node '" + node + "' exists");
            }
            throw new StorageException("cannot create pubsub node '" + node + "' of " + service, e);
        }
    }

    private static void insertNode(Connection c, String service, String node, String ownerUsername, String creator,
                                   NodeConfig config, long created, Collection<String> owners) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO skein_pubsub_node "
                + "(service, node, owner_username, creator, created_at, config, version) VALUES (?, ?, ?, ?, ?, ?, 1)")) {
            s.setString(1, service);
            s.setString(2, node);
            s.setString(3, ownerUsername);
            s.setString(4, creator);
            s.setLong(5, created);
            s.setString(6, config.serialize());
            s.executeUpdate();
        }
        if (!owners.isEmpty()) {
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO skein_pubsub_affiliation (service, node, jid, affiliation) VALUES (?, ?, ?, ?)")) {
                for (String owner : new java.util.TreeSet<>(owners)) {
                    s.setString(1, service);
                    s.setString(2, node);
                    s.setString(3, owner);
                    s.setString(4, Affiliation.OWNER.xmlValue());
                    s.addBatch();
                }
                s.executeBatch();
            }
        }
    }

    @Override
    public Published publish(String service, String node, PublishedItem item, int limit, AutoCreate autoCreate, PublishCheck check) {
        for (int attempt = 0; ; attempt++) {
            try {
                return inTransaction(c -> {
                    Locked locked = lock(c, service, node);
                    boolean createdNow = false;
                    if (locked == null) {
                        if (autoCreate == null) {
                            throw new PubSubException(PacketError.Condition.item_not_found, null, "no node '" + node + "'");
                        }
                        insertNode(c, service, node, autoCreate.ownerUsername(), autoCreate.creator(), autoCreate.config(),
                                item.created(), autoCreate.owners());
                        locked = lock(c, service, node);
                        createdNow = true;
                    }
                    check.check(locked.config(), createdNow);
                    long seq = locked.version() + 1;
                    if (locked.config().persistItems()) {
                        delete(c, "DELETE FROM skein_pubsub_item WHERE service = ? AND node = ? AND item_id = ?", service, node, item.id());
                        try (PreparedStatement s = c.prepareStatement("INSERT INTO skein_pubsub_item "
                                + "(service, node, item_id, seq, publisher, created_at, payload) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                            s.setString(1, service);
                            s.setString(2, node);
                            s.setString(3, item.id());
                            s.setLong(4, seq);
                            s.setString(5, item.publisher());
                            s.setLong(6, item.created());
                            s.setString(7, item.payloadXml());
                            s.executeUpdate();
                        }
                        int keep = locked.config().maxItems() < 0 ? limit : locked.config().maxItems();
                        trim(c, service, node, keep);
                    }
                    bump(c, service, node, seq);
                    return new Published(seq, locked.config(), createdNow);
                });
            } catch (SQLException e) {
                if (UNIQUE_VIOLATION.equals(e.getSQLState()) && attempt < 3) {
                    continue; // another node created it at the same moment: publish to it
                }
                throw new StorageException("cannot publish to '" + node + "' of " + service, e);
            }
        }
    }

    /** Keeps the newest {@code keep} items. */
    private static void trim(Connection c, String service, String node, int keep) throws SQLException {
        long cutoff = -1;
        try (PreparedStatement s = c.prepareStatement("SELECT seq FROM skein_pubsub_item WHERE service = ? AND node = ?"
                + " ORDER BY seq DESC OFFSET ? ROWS FETCH NEXT 1 ROWS ONLY")) {
            s.setString(1, service);
            s.setString(2, node);
            s.setInt(3, keep);
            try (ResultSet r = s.executeQuery()) {
                if (r.next()) {
                    cutoff = r.getLong(1);
                }
            }
        }
        if (cutoff >= 0) {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM skein_pubsub_item WHERE service = ? AND node = ? AND seq <= ?")) {
                s.setString(1, service);
                s.setString(2, node);
                s.setLong(3, cutoff);
                s.executeUpdate();
            }
        }
    }

    private record Locked(NodeConfig config, long version) {
    }

    /** Locks a node's row for the transaction; {@code null} if there is no such node. */
    private static Locked lock(Connection c, String service, String node) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT config, version FROM skein_pubsub_node WHERE service = ? AND node = ? FOR UPDATE")) {
            s.setString(1, service);
            s.setString(2, node);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? new Locked(NodeConfig.parse(r.getString(1), NodeConfig.SERVICE_DEFAULTS), r.getLong(2)) : null;
            }
        }
    }

    private static void bump(Connection c, String service, String node, long version) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE skein_pubsub_node SET version = ? WHERE service = ? AND node = ?")) {
            s.setLong(1, version);
            s.setString(2, service);
            s.setString(3, node);
            s.executeUpdate();
        }
    }

    private static int delete(Connection c, String sql, String... args) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setString(i + 1, args[i]);
            }
            return s.executeUpdate();
        }
    }

    /** Runs a change of one node under its row lock; {@code null} from the change (or no node) gives {@code otherwise}. */
    private <T> T change(String service, String node, T otherwise, NodeChange<T> change) {
        try {
            return inTransaction(c -> {
                Locked locked = lock(c, service, node);
                if (locked == null) {
                    return otherwise;
                }
                T result = change.apply(c, locked);
                bump(c, service, node, locked.version() + 1);
                return result;
            });
        } catch (SQLException e) {
            throw new StorageException("cannot change pubsub node '" + node + "' of " + service, e);
        }
    }

    @FunctionalInterface
    private interface NodeChange<T> {
        T apply(Connection c, Locked locked) throws SQLException;
    }

    @Override
    public boolean retract(String service, String node, String itemId) {
        return change(service, node, false, (c, locked) ->
                delete(c, "DELETE FROM skein_pubsub_item WHERE service = ? AND node = ? AND item_id = ?", service, node, itemId) > 0);
    }

    @Override
    public long configure(String service, String node, NodeConfig config) {
        return change(service, node, -1L, (c, locked) -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE skein_pubsub_node SET config = ? WHERE service = ? AND node = ?")) {
                s.setString(1, config.serialize());
                s.setString(2, service);
                s.setString(3, node);
                s.executeUpdate();
            }
            if (!config.persistItems()) {
                delete(c, "DELETE FROM skein_pubsub_item WHERE service = ? AND node = ?", service, node);
            } else if (config.maxItems() > 0) {
                trim(c, service, node, config.maxItems());
            }
            return locked.version() + 1;
        });
    }

    @Override
    public boolean delete(String service, String node) {
        try {
            return inTransaction(c -> {
                if (lock(c, service, node) == null) {
                    return false;
                }
                delete(c, "DELETE FROM skein_pubsub_item WHERE service = ? AND node = ?", service, node);
                delete(c, "DELETE FROM skein_pubsub_subscription WHERE service = ? AND node = ?", service, node);
                delete(c, "DELETE FROM skein_pubsub_affiliation WHERE service = ? AND node = ?", service, node);
                return delete(c, "DELETE FROM skein_pubsub_node WHERE service = ? AND node = ?", service, node) > 0;
            });
        } catch (SQLException e) {
            throw new StorageException("cannot delete pubsub node '" + node + "' of " + service, e);
        }
    }

    @Override
    public int purge(String service, String node) {
        return change(service, node, 0, (c, locked) ->
                delete(c, "DELETE FROM skein_pubsub_item WHERE service = ? AND node = ?", service, node));
    }

    @Override
    public boolean setAffiliation(String service, String node, String jid, Affiliation affiliation) {
        return change(service, node, false, (c, locked) -> {
            delete(c, "DELETE FROM skein_pubsub_affiliation WHERE service = ? AND node = ? AND jid = ?", service, node, jid);
            if (affiliation != Affiliation.NONE) {
                try (PreparedStatement s = c.prepareStatement(
                        "INSERT INTO skein_pubsub_affiliation (service, node, jid, affiliation) VALUES (?, ?, ?, ?)")) {
                    s.setString(1, service);
                    s.setString(2, node);
                    s.setString(3, jid);
                    s.setString(4, affiliation.xmlValue());
                    s.executeUpdate();
                }
            }
            return true;
        });
    }

    @Override
    public boolean putSubscription(String service, String node, Subscriber subscriber, long created) {
        return change(service, node, false, (c, locked) -> {
            delete(c, "DELETE FROM skein_pubsub_subscription WHERE service = ? AND node = ? AND subid = ?", service, node,
                    subscriber.subid());
            try (PreparedStatement s = c.prepareStatement("INSERT INTO skein_pubsub_subscription "
                    + "(service, node, subid, jid, state, options, session_node, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                s.setString(1, service);
                s.setString(2, node);
                s.setString(3, subscriber.subid());
                s.setString(4, subscriber.jid());
                s.setString(5, subscriber.state());
                s.setString(6, subscriber.options());
                s.setString(7, subscriber.sessionNode());
                s.setLong(8, created);
                s.executeUpdate();
            }
            return true;
        });
    }

    @Override
    public boolean removeSubscription(String service, String node, String subid) {
        return change(service, node, false, (c, locked) ->
                delete(c, "DELETE FROM skein_pubsub_subscription WHERE service = ? AND node = ? AND subid = ?", service, node, subid) > 0);
    }

    @Override
    public List<Held> subscriptionsOf(String service, String jid) {
        String sql = "SELECT service, node, subid, jid, state, options, session_node FROM skein_pubsub_subscription WHERE jid = ?"
                + (service == null ? "" : " AND service = ?") + " ORDER BY service, node, created_at";
        return held(sql, service == null ? new String[] {jid} : new String[] {jid, service});
    }

    @Override
    public List<Held> temporarySubscriptions(String sessionNode) {
        return held("SELECT service, node, subid, jid, state, options, session_node FROM skein_pubsub_subscription"
                + " WHERE session_node = ?", sessionNode);
    }

    private List<Held> held(String sql, String... args) {
        try (Connection c = database.connection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setString(i + 1, args[i]);
            }
            List<Held> held = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    held.add(new Held(r.getString(1), r.getString(2),
                            new Subscriber(r.getString(3), r.getString(4), r.getString(5), r.getString(6), r.getString(7))));
                }
            }
            return held;
        } catch (SQLException e) {
            throw new StorageException("cannot read pubsub subscriptions", e);
        }
    }

    @Override
    public Map<String, Affiliation> affiliationsOf(String service, String bareJid) {
        try (Connection c = database.connection();
             PreparedStatement s = c.prepareStatement(
                     "SELECT node, affiliation FROM skein_pubsub_affiliation WHERE service = ? AND jid = ? ORDER BY node")) {
            s.setString(1, service);
            s.setString(2, bareJid);
            Map<String, Affiliation> affiliations = new LinkedHashMap<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    try {
                        affiliations.put(r.getString(1), Affiliation.fromXml(r.getString(2)));
                    } catch (IllegalArgumentException e) {
                        // unknown value: left out
                    }
                }
            }
            return affiliations;
        } catch (SQLException e) {
            throw new StorageException("cannot read the affiliations of " + bareJid + " in " + service, e);
        }
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T inTransaction(Work<T> work) throws SQLException {
        try (Connection c = database.connection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }
}
