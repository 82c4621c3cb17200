package org.skein.routing;

import org.skein.cluster.NodeID;
import org.xmpp.packet.JID;
import org.xmpp.packet.Packet;

/**
 * Delivers packets to sessions held by other nodes of the cluster. A clustering provider's member
 * offers one as its packet router part ({@link Part}); the node starts it and sets it on the
 * {@link RoutingTable} when it joins a cluster, and removes and stops it when it leaves; a node alone
 * has none.
 *
 * <h2>When {@link #routePacket} may block: the one rule</h2>
 * {@code routePacket} is called for every packet to a remote route, on the thread that routes it: a
 * session's processing thread, or one of the node's own threads (the inbound delivery that passes a
 * stanza on, the cluster event dispatcher, a scheduler). An implementation queues the packet and
 * returns; it never waits for the other node to answer. When its queue for that node is full it may
 * make the calling thread wait for room (backpressure that reaches the sending client through TCP), for
 * a bounded time it documents, and then hands the packet back as undeliverable; it never waits longer.
 * It never makes a thread of the clustering provider itself wait (its executor, partition or event
 * threads, which run cluster tasks and receive stanzas): there a full queue hands the packet back at
 * once. Packets for one node must arrive in the order they were handed over.
 *
 * <h2>Receiving</h2>
 * Stanzas from other nodes go to the node's {@link InboundDelivery}, which delivers them on the node's
 * own threads; the router's threads only hand them over.
 *
 * <p>A packet that was accepted ({@code true}) but then cannot be delivered must never be dropped in
 * silence: when the node died or left, it is handed back with {@link RoutingTable#remoteDeliveryFailed}
 * (the route goes, the recipient is treated as offline); when the node is still a member (it answered
 * too late, did not answer in time, or its queue stayed full), with {@link RoutingTable#remoteDeliveryRetry}
 * (the route stays and the packet is routed to it again), paced by the router so that a node that keeps
 * failing is not flooded.
 */
public interface RemotePacketRouter {

    /**
     * Queues a packet for a session on another node.
     *
     * @param node the node that holds the recipient's session (never this node)
     * @param recipient the full JID of the recipient
     * @param packet the packet; the implementation must copy or serialize it before returning
     * @return {@code false} if the node is not (or no longer) a member of the cluster; the routing
     *         table then drops the route and treats the recipient as offline
     */
    boolean routePacket(NodeID node, JID recipient, Packet packet);

    /**
     * Queues one packet for several sessions on one other node: it crosses once, in the same order as
     * the packets routed before and after it (to that node), and the node addresses it to each
     * recipient as {@code addressing} says. The same rules as {@link #routePacket} apply, per recipient
     * for packets handed back. This default routes a copy per recipient.
     *
     * @param recipients full JIDs of sessions on {@code node}
     * @return {@code false} if the node is not (or no longer) a member of the cluster
     */
    default boolean routePacket(NodeID node, java.util.List<JID> recipients, Addressing addressing, Packet packet) {
        for (JID recipient : recipients) {
            Packet copy = addressing == Addressing.AS_IS ? packet.createCopy() : addressing.address(packet, recipient);
            if (!routePacket(node, recipient, copy)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The packet router part of a clustering provider's member ({@code ClusterMember.part(Part.class)}):
     * the node starts it when it becomes a member, before its caches move into the cluster, and stops
     * it when it stops being one, before they move back. Both are called on the node's cluster
     * lifecycle thread.
     */
    interface Part {

        /**
         * Starts the router of this membership. Packets it could not deliver go back to
         * {@link RoutingTable#remoteDeliveryFailed}, and stanzas from other nodes are handed to
         * {@code inbound}.
         *
         * @return the router, which the node sets on its routing table
         */
        RemotePacketRouter start(RoutingTable routingTable, InboundDelivery inbound);

        /**
         * Stops the router started last: on a clean leave ({@code drain}) it may first let queued packets
         * go, for a bounded time; whatever is left is handed back as undeliverable.
         */
        void stop(boolean drain);
    }
}
