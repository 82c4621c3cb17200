package org.skein.session;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Predicate;
import org.skein.cache.CacheEntryListener;
import org.skein.cluster.NodeID;

/**
 * This node's own copy of the other nodes' entries of {@code sessions.info} (full JID → session info,
 * which names the node and holds the presence), kept by listening to the cache. It is what the node
 * still knows about the sessions of a node that has gone: when a node crashes, the senior member
 * removes its entries from the clustered caches while every node tells its own users about the lost
 * resources, and those removals must not race with the telling. So:
 * <ul>
 *   <li>an entry written by another node is added or replaced; an entry written by this node (a login
 *       here that took over a full JID) is dropped from the copy;</li>
 *   <li>an entry removed by the node that holds the session is dropped; one removed by anyone else
 *       (the senior member cleaning up after a dead node) stays until {@link #takeNode} takes it;</li>
 *   <li>entries of a node that has left are refused until that node is a member again, so late events
 *       do not bring them back.</li>
 * </ul>
 * Listener callbacks are quick (map operations). Thread-safe.
 */
public final class RemoteSessions implements CacheEntryListener<String, SessionInfo> {

    private final NodeID localNode;
    private final Predicate<NodeID> isMember;
    private final ConcurrentMap<String, SessionInfo> sessions = new ConcurrentHashMap<>();
    private final Set<NodeID> departed = ConcurrentHashMap.newKeySet();

    /**
     * @param localNode this node
     * @param isMember whether a node is a member of the cluster now (asked only about departed nodes)
     */
    public RemoteSessions(NodeID localNode, Predicate<NodeID> isMember) {
        this.localNode = Objects.requireNonNull(localNode, "localNode");
        this.isMember = Objects.requireNonNull(isMember, "isMember");
    }

    @Override
    public void entryAdded(String key, SessionInfo newValue, NodeID origin) {
        written(key, newValue);
    }

    @Override
    public void entryUpdated(String key, SessionInfo oldValue, SessionInfo newValue, NodeID origin) {
        written(key, newValue);
    }

    private void written(String key, SessionInfo info) {
        if (info == null) {
            return;
        }
        if (info.node().equals(localNode)) {
            sessions.remove(key);
            return;
        }
        if (departed.contains(info.node())) {
            if (!isMember.test(info.node())) {
                return; // a late event of a node that has gone
            }
            departed.remove(info.node());
        }
        sessions.put(key, info);
    }

    @Override
    public void entryRemoved(String key, SessionInfo oldValue, NodeID origin) {
        SessionInfo current = sessions.get(key);
        if (current != null && current.node().equals(origin)) {
            sessions.remove(key, current);
        }
    }

    @Override
    public void entryEvicted(String key, SessionInfo oldValue, NodeID origin) {
        sessions.remove(key); // sessions.info never evicts unless misconfigured; follow the cache
    }

    /** Loads the other nodes' current entries (after this node joined a cluster). */
    public void load(Map<String, SessionInfo> entries) {
        entries.forEach((key, info) -> {
            if (info != null && !info.node().equals(localNode) && !departed.contains(info.node())) {
                sessions.putIfAbsent(key, info);
            }
        });
    }

    /**
     * A node left or crashed: takes out and returns what this copy held of its sessions, and refuses
     * its entries until it is a member again.
     */
    public Map<String, SessionInfo> takeNode(NodeID node) {
        departed.add(node);
        Map<String, SessionInfo> taken = new HashMap<>();
        for (Map.Entry<String, SessionInfo> entry : sessions.entrySet()) {
            if (entry.getValue().node().equals(node) && sessions.remove(entry.getKey(), entry.getValue())) {
                taken.put(entry.getKey(), entry.getValue());
            }
        }
        return taken;
    }

    /** The available sessions of other nodes, by the user's bare JID: full JID → info. */
    public Map<String, List<Map.Entry<String, SessionInfo>>> availableByUser() {
        Map<String, List<Map.Entry<String, SessionInfo>>> byUser = new HashMap<>();
        for (Map.Entry<String, SessionInfo> entry : sessions.entrySet()) {
            if (entry.getValue().isAvailable()) {
                String full = entry.getKey();
                int slash = full.indexOf('/');
                String bare = slash < 0 ? full : full.substring(0, slash);
                byUser.computeIfAbsent(bare, b -> new ArrayList<>()).add(Map.entry(full, entry.getValue()));
            }
        }
        return byUser;
    }

    /** A snapshot of the copy: full JID → info. */
    public Map<String, SessionInfo> snapshot() {
        return Map.copyOf(sessions);
    }

    /** Forgets everything (this node left the cluster). */
    public void clear() {
        sessions.clear();
        departed.clear();
    }
}
