package org.skein;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.skein.cache.CacheFactory;
import org.skein.cluster.ClusterEventListener;
import org.skein.cluster.NodeID;
import org.skein.clustering.ClusterManager;
import org.skein.presence.ClusterPresence;
import org.skein.routing.RoutingTable;
import org.skein.session.SessionInfo;
import org.skein.session.SessionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the XMPP state of the node right when it, or another node, joins or leaves a cluster. It is
 * registered with sequence 10, so it runs after the cache factory has swapped the caches and before
 * listeners with higher sequences.
 *
 * <ul>
 *   <li><b>{@link #joinedCluster()}</b>: the cache factory copied this node's routes and session info
 *       into the clustered caches; the users' sets of full JIDs are merged with the cluster's (the copy
 *       overwrote them), the session info is written again, this node's copy of the other nodes'
 *       sessions is loaded, and then presence is exchanged between local and remote sessions
 *       ({@link ClusterPresence#joinedCluster}). Only the joining node does this.</li>
 *   <li><b>{@link #leftCluster()}</b> (clustering stopped, the node stops, or the losing side of a
 *       split brain): the caches are local and empty; local sessions get unavailable presence from
 *       every remote resource they saw, then this node's routes and session info are written back, and
 *       the copy of the other nodes' sessions is forgotten. The node serves its own users alone.</li>
 *   <li><b>{@link #leftCluster(NodeID)}</b> (another node left or crashed): every node takes the lost
 *       node's sessions out of its copy and tells its local sessions that saw them (once per lost
 *       resource); then the senior member alone removes the lost node's routes and session info from
 *       the clustered caches, on the node's cleanup executor (a scan of the route caches and a user lock
 *       per route: it must not hold up the cluster events after it). Nothing waits for another node.</li>
 *   <li><b>{@link #joinedCluster(NodeID)}</b>: the joining node pushes its presence itself, and its
 *       session info reaches this node's copy through cache events.</li>
 * </ul>
 * After either join (a merge after a split brain is both), messages that were kept in offline storage
 * for users who were online on the other side are delivered to them ({@code liveDelivery}, which runs
 * off the event thread).
 */
final class XmppClusterListener implements ClusterEventListener {

    private static final Logger LOG = LoggerFactory.getLogger(XmppClusterListener.class);

    private final CacheFactory caches;
    private final ClusterManager cluster;
    private final RoutingTable routingTable;
    private final SessionManager sessions;
    private final ClusterPresence presence;
    private final Runnable liveDelivery;
    private final Executor cleanup;

    /**
     * @param liveDelivery delivers messages kept offline for users online on the other side of a split
     *     (after a join; it must not run on the event thread)
     * @param cleanup runs the senior member's removal of a lost node's routes and session info (one thread
     *     is enough: losses are rare, and one at a time keeps them in order)
     */
    XmppClusterListener(CacheFactory caches, ClusterManager cluster, RoutingTable routingTable, SessionManager sessions,
                        ClusterPresence presence, Runnable liveDelivery, Executor cleanup) {
        this.caches = Objects.requireNonNull(caches, "caches");
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.routingTable = Objects.requireNonNull(routingTable, "routingTable");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.presence = Objects.requireNonNull(presence, "presence");
        this.liveDelivery = Objects.requireNonNull(liveDelivery, "liveDelivery");
        this.cleanup = Objects.requireNonNull(cleanup, "cleanup");
    }

    @Override
    public void joinedCluster() {
        routingTable.joinedCluster();
        sessions.writeLocalInfo();
        caches.<String, SessionInfo>getCache(SessionManager.INFO_CACHE)
                .ifPresent(info -> sessions.remoteSessions().load(Map.copyOf(info)));
        presence.joinedCluster(sessions.remoteSessions());
        liveDelivery.run();
    }

    @Override
    public void joinedCluster(NodeID nodeId) {
        liveDelivery.run();
    }

    @Override
    public void leftCluster() {
        presence.leftCluster();
        sessions.restoreLocalSessions();
        sessions.remoteSessions().clear();
    }

    @Override
    public void leftCluster(NodeID nodeId) {
        Map<String, SessionInfo> lost = sessions.remoteSessions().takeNode(nodeId);
        int told = presence.nodeLost(lost.keySet());
        LOG.info("Node {} left with {} sessions; local sessions got {} unavailable presences", nodeId, lost.size(), told);
        int restored = sessions.reassertLocalSessions();
        if (restored > 0) {
            LOG.info("Node {} took {} cache entries of this node's sessions with it; they were put back", nodeId, restored);
        }
        if (cluster.isSeniorClusterMember() && cluster.getNodeInfo(nodeId).isEmpty()) {
            try {
                cleanup.execute(() -> removeLostNode(nodeId));
            } catch (RejectedExecutionException e) {
                LOG.info("Node {} stops: the routes and session info of node {} are left to the next senior member", cluster.getLocalNode(), nodeId);
            }
        }
    }

    /** The senior's cleanup after a node left, on the cleanup executor; skipped if the node came back meanwhile. */
    private void removeLostNode(NodeID nodeId) {
        try {
            if (!cluster.isClusteringStarted() || cluster.getNodeInfo(nodeId).isPresent()) {
                LOG.info("Node {} is back (or this node left): its routes and session info stay", nodeId);
                return;
            }
            int routes = routingTable.removeRoutesOf(nodeId);
            int infos = sessions.removeSessionInfoOf(nodeId);
            LOG.info("As the senior member, removed {} routes and {} session infos of node {}", routes, infos, nodeId);
        } catch (RuntimeException e) {
            LOG.warn("As the senior member, could not remove all routes and session info of node {}", nodeId, e);
        }
    }
}
