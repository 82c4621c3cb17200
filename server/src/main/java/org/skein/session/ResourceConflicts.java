package org.skein.session;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.skein.cache.CacheEntryListener;
import org.skein.cluster.NodeID;
import org.skein.routing.ClientRoute;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.JID;

/**
 * Settles two sessions that hold the same full JID on two nodes: the newest login wins, the other is
 * closed with a {@code conflict} stream error.
 *
 * <p>A bind closes an older session with the same full JID before it starts, on whatever node holds
 * it. That cannot work across a split brain: a user whose node is cut off (or frozen) logs in again on
 * the other side, while the old connection stays open where it was. When the sides merge, both nodes
 * hold the full JID, and the merge's copy of the rejoining side's entries overwrote the other side's
 * route and session info. Each node watches {@code sessions.info}: when the entry of a full JID that it
 * holds itself is written by another node, the two sessions are compared by creation time (ties broken
 * by node id, so both nodes agree):
 * <ul>
 *   <li>this node's session is newer: its route and session info are written again, which the other
 *       node sees in turn;</li>
 *   <li>the other node's session is newer: this node's session is closed with {@code conflict}. Its
 *       contacts are not sent unavailable presence, as the full JID is still online on the other
 *       node, and its route and session info stay the other node's (removal checks the owner).</li>
 * </ul>
 * Every presence change of a remote user writes its entry, so the listener first looks, without
 * blocking, for an open session of its own with that full JID; only such a real conflict is handed to
 * the executor given, where it is settled (that takes a user's cluster lock).
 *
 * <p>The routes are watched too ({@link #routeWatch()}): a merge copies each cache of the rejoining side
 * on its own, so the stale side's route can land after the winner wrote its own again (the session
 * info's conflict was settled, the route still names the loser), and the loser's closing then removes
 * it (it names the loser). When another node writes or removes the route of a full JID this node holds
 * open, the route is looked at again after a {@linkplain #ROUTE_GRACE grace period} (a login or a
 * session moving in elsewhere writes its route first and its session info right after, and closes this
 * node's session): if it still does not name this node, the session info decides, as above: another
 * node's newer session wins, otherwise this node's route is written again.
 */
final class ResourceConflicts implements CacheEntryListener<String, SessionInfo> {

    private static final Logger LOG = LoggerFactory.getLogger(ResourceConflicts.class);

    /** What a settled conflict asks of the session manager. */
    interface Sessions {
        /** This node's open session with this full JID, or {@code null}. */
        LocalClientSession openLocalSession(String fullJid);

        /** Writes the session's route and session info again. */
        void reassert(LocalClientSession session);

        /** Closes the session with {@code conflict}, without unavailable presence to its contacts. */
        void closeSuperseded(LocalClientSession session);

        /** The full JID's route as the cluster holds it now (not a near cache's copy), or {@code null}. */
        ClientRoute latestRoute(JID fullJid);

        /** The full JID's session info as the cluster holds it now, or {@code null}. */
        SessionInfo latestInfo(String fullJid);
    }

    /** How long a route another node changed may disagree with the session info before it is settled. */
    static final Duration ROUTE_GRACE = Duration.ofSeconds(2);

    private final NodeID localNode;
    private final Sessions sessions;
    private final ScheduledExecutorService executor;

    ResourceConflicts(NodeID localNode, Sessions sessions, ScheduledExecutorService executor) {
        this.localNode = Objects.requireNonNull(localNode, "localNode");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.executor = Objects.requireNonNull(executor, "executor");
    }

    @Override
    public void entryAdded(String key, SessionInfo newValue, NodeID origin) {
        written(key, newValue);
    }

    @Override
    public void entryUpdated(String key, SessionInfo oldValue, SessionInfo newValue, NodeID origin) {
        written(key, newValue);
    }

    @Override
    public void entryRemoved(String key, SessionInfo oldValue, NodeID origin) {
        // a removal only ever takes the remover's own entry
    }

    @Override
    public void entryEvicted(String key, SessionInfo oldValue, NodeID origin) {
        // sessions.info does not evict
    }

    private void written(String key, SessionInfo info) {
        if (info == null || info.node().equals(localNode) || localSession(key) == null) {
            return;
        }
        try {
            executor.execute(() -> settle(key, info));
        } catch (RejectedExecutionException e) {
            LOG.debug("Not checking {} for a resource conflict: the node is stopping", key);
        }
    }

    /** Hears other nodes' writes and removals of routes (keys: full JIDs); see the class description. */
    CacheEntryListener<String, ClientRoute> routeWatch() {
        return new CacheEntryListener<>() {
            @Override
            public void entryAdded(String key, ClientRoute newValue, NodeID origin) {
                routeChanged(key, origin);
            }

            @Override
            public void entryUpdated(String key, ClientRoute oldValue, ClientRoute newValue, NodeID origin) {
                routeChanged(key, origin);
            }

            @Override
            public void entryRemoved(String key, ClientRoute oldValue, NodeID origin) {
                routeChanged(key, origin);
            }
        };
    }

    private void routeChanged(String key, NodeID origin) {
        if (localNode.equals(origin) || localSession(key) == null) {
            return;
        }
        try {
            executor.schedule(() -> checkRoute(key), ROUTE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("Not checking the route of {}: the node is stopping", key);
        }
    }

    /** Another node changed the route of a full JID this node holds open (package-private for tests). */
    void checkRoute(String key) {
        LocalClientSession local = localSession(key);
        if (local == null) {
            return;
        }
        ClientRoute route = sessions.latestRoute(local.address());
        if (route != null && route.node().equals(localNode)) {
            return;
        }
        SessionInfo info = sessions.latestInfo(key);
        if (info != null && !info.node().equals(localNode)) {
            settle(key, info);
            return;
        }
        LOG.info("{} is open on this node, but its route {}: writing it again", key,
                route == null ? "was removed" : "names node " + route.node());
        sessions.reassert(local);
    }

    /** This node's open session with the full JID {@code key}, or {@code null}. */
    private LocalClientSession localSession(String key) {
        // the cache keys are the sessions' addresses as written: no JID is parsed for the many events of other users
        return sessions.openLocalSession(key);
    }

    /** Settles one full JID that another node has written (package-private for tests). */
    void settle(String key, SessionInfo remote) {
        LocalClientSession local = localSession(key);
        if (local == null) {
            return;
        }
        if (remoteIsNewer(remote, local.creationTime(), localNode)) {
            LOG.info("{} is also bound on node {} since {}, after this node's session of {}: closing this one with conflict",
                    key, remote.node(), Instant.ofEpochMilli(remote.created()), local.creationTime());
            sessions.closeSuperseded(local);
        } else {
            LOG.info("{} is also bound on node {} since {}, before this node's session of {}: this one keeps the resource",
                    key, remote.node(), Instant.ofEpochMilli(remote.created()), local.creationTime());
            sessions.reassert(local);
        }
    }

    /** Whether the other node's session is the newer login; equal times go to the greater node id. */
    static boolean remoteIsNewer(SessionInfo remote, Instant localCreated, NodeID localNode) {
        long localMillis = localCreated.toEpochMilli();
        if (remote.created() != localMillis) {
            return remote.created() > localMillis;
        }
        return remote.node().value().compareTo(localNode.value()) > 0;
    }
}
