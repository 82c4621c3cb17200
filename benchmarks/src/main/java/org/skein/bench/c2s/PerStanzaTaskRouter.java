package org.skein.bench.c2s;

import org.skein.cluster.ClusterException;
import org.skein.cluster.ClusterTask;
import org.skein.cluster.NodeID;
import org.skein.cluster.TaskContext;
import org.skein.clustering.ClusterManager;
import org.skein.routing.RemotePacketRouter;
import org.skein.routing.RoutingTable;
import org.skein.xmpp.stream.StanzaParser;
import org.xmpp.packet.JID;
import org.xmpp.packet.Packet;

/**
 * The baseline for the cross-node benchmark, the classic Openfire approach: one asynchronous cluster
 * task per stanza (a Java-serialized task carrying the recipient and the XML), run on the destination's
 * cluster task executor. No batching, no queue of its own, no order across the executor's threads.
 * Lives here, not in the plugin: it is only a yardstick.
 */
final class PerStanzaTaskRouter implements RemotePacketRouter {

    private final ClusterManager cluster;

    /** Routes through the node's cluster tasks, and offers the node's routing table to the tasks that arrive. */
    PerStanzaTaskRouter(ClusterManager cluster, RoutingTable routingTable) {
        this.cluster = cluster;
        cluster.registerTaskService(Destination.class, new Destination(routingTable));
    }

    @Override
    public boolean routePacket(NodeID node, JID recipient, Packet packet) {
        try {
            cluster.doClusterTask(new Deliver(recipient.toString(), packet.toXML()), node);
            return true;
        } catch (ClusterException e) {
            return false;
        }
    }

    /** What a {@link Deliver} task reaches on the node it runs on. */
    record Destination(RoutingTable routingTable) {
    }

    /** Delivers one stanza on the node it runs on. */
    record Deliver(String recipient, String xml) implements ClusterTask<Void> {
        private static final long serialVersionUID = 1L;

        @Override
        public Void execute(TaskContext context) {
            context.service(Destination.class).routingTable().routeToFullJid(new JID(recipient), StanzaParser.parsePacket(xml));
            return null;
        }
    }
}
