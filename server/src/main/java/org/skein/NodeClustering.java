package org.skein;

import java.util.Objects;
import org.skein.cluster.spi.ClusterMember;
import org.skein.clustering.ClusterManager;
import org.skein.clustering.NodeAttachment;
import org.skein.routing.InboundDelivery;
import org.skein.routing.RemotePacketRouter;
import org.skein.routing.RoutingTable;
import org.skein.session.SessionInfoLocator;
import org.skein.session.SessionManager;

/**
 * What the node installs when it becomes a member of a cluster and removes when it stops being one:
 * the member's packet router part, started with the node's routing table and set on it, and the
 * session locator that finds other nodes' sessions in {@code sessions.info}. The cluster manager calls
 * it on its lifecycle thread, before the caches move into the cluster and before they move back.
 */
final class NodeClustering implements NodeAttachment {

    private final RoutingTable routingTable;
    private final SessionManager sessions;
    private final ClusterManager cluster;
    private final InboundDelivery inbound;
    private volatile RemotePacketRouter.Part routerPart;

    NodeClustering(RoutingTable routingTable, SessionManager sessions, ClusterManager cluster, InboundDelivery inbound) {
        this.inbound = Objects.requireNonNull(inbound, "inbound");
        this.routingTable = Objects.requireNonNull(routingTable, "routingTable");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.cluster = Objects.requireNonNull(cluster, "cluster");
    }

    @Override
    public void attach(ClusterMember member) {
        RemotePacketRouter.Part part = member.part(RemotePacketRouter.Part.class).orElse(null);
        routerPart = part;
        if (part != null) {
            // set before the caches move: no remote route is seen without a router to reach it
            routingTable.setRemotePacketRouter(part.start(routingTable, inbound));
        }
        // remote sessions are read from sessions.info while clustered (before the listeners, which use it)
        sessions.setRemoteSessionLocator(new SessionInfoLocator(sessions, routingTable, cluster));
    }

    @Override
    public void detach(boolean clean) {
        RemotePacketRouter.Part part = routerPart;
        routerPart = null;
        routingTable.setRemotePacketRouter(null);
        if (part != null) {
            part.stop(clean);
        }
        sessions.setRemoteSessionLocator(null);
    }
}
