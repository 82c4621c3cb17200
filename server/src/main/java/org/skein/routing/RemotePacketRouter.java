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
 * <p>Called on the sending session's processing thread for every packet to a remote route. An
 * implementation queues the packet and returns; it never waits for the other node to answer. When its
 * queue for that node is full it may make the sender wait for room (backpressure that reaches the
 * sending client through TCP), for a bounded time it documents, and then hands the packet back as
 * undeliverable; it never waits longer. Packets for one node must arrive in the order they were handed
 * over.
 *
 * <p>A packet that was accepted ({@code true}) but then cannot be delivered (the node died, left, or
 * stopped answering) must be handed back with {@link RoutingTable#remoteDeliveryFailed}, never dropped
 * in silence.
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
     * The packet router part of a clustering provider's member ({@code ClusterMember.part(Part.class)}):
     * the node starts it when it becomes a member, before its caches move into the cluster, and stops
     * it when it stops being one, before they move back. Both are called on the node's cluster
     * lifecycle thread.
     */
    interface Part {

        /**
         * Starts the router of this membership. Packets it could not deliver go back to
         * {@link RoutingTable#remoteDeliveryFailed}, and packets from other nodes are delivered
         * through the routing table.
         *
         * @return the router, which the node sets on its routing table
         */
        RemotePacketRouter start(RoutingTable routingTable);

        /**
         * Stops the router started last: on a clean leave ({@code drain}) it may first let queued packets
         * go, for a bounded time; whatever is left is handed back as undeliverable.
         */
        void stop(boolean drain);
    }
}
