package org.skein.muc;

import java.util.Map;
import org.skein.cluster.ClusterEventListener;
import org.skein.cluster.NodeID;
import org.skein.routing.RoutingTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group chat when nodes come and go (registered before the node's XMPP listener: rooms need only their
 * own state, and the occupants of a lost node should leave at once, not after the route cleanup):
 * <ul>
 *   <li>{@link #joinedCluster()}: the services talk to the other nodes ({@link RouterLink},
 *       {@link MucTasks}); rooms this node ran whose home is another node now are handed over, and the
 *       rooms it keeps copies of are re-asserted to their homes ({@link Rooms#reconcile()}): after a
 *       merge, every room has one home that knows every occupant.</li>
 *   <li>{@link #leftCluster(NodeID)}: the rooms here lose that node's sessions (333, once per occupant);
 *       the rooms that node ran are taken over by the rendezvous winner among the survivors, which
 *       rebuilds them from the survivors' copies ({@link Rooms#nodeLost}).</li>
 *   <li>{@link #leftCluster()}: the services stop talking to other nodes, and this node runs every room
 *       its users are in ({@link Rooms#leftCluster()}).</li>
 * </ul>
 * Nothing here waits for another node on the cluster event thread except reading the homes cache.
 */
final class MucClusterListener implements ClusterEventListener {

    private static final Logger LOG = LoggerFactory.getLogger(MucClusterListener.class);

    private final Map<String, Rooms> services;
    private final MucNode node;
    private final RoutingTable routingTable;

    MucClusterListener(Map<String, Rooms> services, MucNode node, RoutingTable routingTable) {
        this.services = services;
        this.node = node;
        this.routingTable = routingTable;
    }

    @Override
    public void joinedCluster() {
        MucTasks tasks = new MucTasks(node.cluster);
        for (Rooms rooms : services.values()) {
            rooms.connect(new RouterLink(rooms.serviceJid(), routingTable), tasks);
        }
        for (Rooms rooms : services.values()) {
            safely("reconcile " + rooms.domain(), rooms::reconcile);
        }
    }

    @Override
    public void leftCluster() {
        for (Rooms rooms : services.values()) {
            rooms.connect(null, null);
            safely("run the rooms of " + rooms.domain() + " alone", rooms::leftCluster);
        }
    }

    @Override
    public void leftCluster(NodeID nodeId) {
        for (Rooms rooms : services.values()) {
            safely("recover the rooms of " + rooms.domain() + " from node " + nodeId, () -> rooms.nodeLost(nodeId));
        }
    }

    private static void safely(String what, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.warn("Group chat could not {}", what, e);
        }
    }
}
