package org.skein.session;

import java.util.Objects;
import org.skein.cluster.NodeID;
import org.skein.clustering.ClusterManager;
import org.skein.routing.RoutingTable;
import org.xmpp.packet.JID;

/**
 * The {@link RemoteSessionLocator} the node installs while it is in a cluster: it answers from the
 * clustered {@code sessions.info} cache (no round trip to the owning node) with a
 * {@link RemoteClientSession}, which reaches the owning node only to deliver a packet or to close the
 * session. Nothing in it is specific to a clustering library.
 */
public final class SessionInfoLocator implements RemoteSessionLocator {

    private final SessionManager sessions;
    private final RoutingTable routingTable;
    private final ClusterManager cluster;

    public SessionInfoLocator(SessionManager sessions, RoutingTable routingTable, ClusterManager cluster) {
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.routingTable = Objects.requireNonNull(routingTable, "routingTable");
        this.cluster = Objects.requireNonNull(cluster, "cluster");
    }

    @Override
    public ClientSession getClientSession(NodeID owner, JID address) {
        SessionInfo info = sessions.getSessionInfo(address);
        if (info == null || !info.node().equals(owner)) {
            return null;
        }
        return new RemoteClientSession(address, info, routingTable, cluster);
    }
}
