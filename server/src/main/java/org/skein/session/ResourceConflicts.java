package org.skein.session;

import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.skein.cache.CacheEntryListener;
import org.skein.cluster.NodeID;
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
 */
final class ResourceConflicts implements CacheEntryListener<String, SessionInfo> {

    private static final Logger LOG = LoggerFactory.getLogger(ResourceConflicts.class);

    /** What a settled conflict asks of the session manager. */
    interface Sessions {
        /** This node's open session with this full JID, or {@code null}. */
        LocalClientSession openLocalSession(JID fullJid);

        /** Writes the session's route and session info again. */
        void reassert(LocalClientSession session);

        /** Closes the session with {@code conflict}, without unavailable presence to its contacts. */
        void closeSuperseded(LocalClientSession session);
    }

    private final NodeID localNode;
    private final Sessions sessions;
    private final Executor executor;

    ResourceConflicts(NodeID localNode, Sessions sessions, Executor executor) {
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

    /** This node's open session with the full JID {@code key}, or {@code null}. */
    private LocalClientSession localSession(String key) {
        try {
            return sessions.openLocalSession(new JID(key));
        } catch (IllegalArgumentException e) {
            return null; // not a JID: not a client session's key
        }
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
