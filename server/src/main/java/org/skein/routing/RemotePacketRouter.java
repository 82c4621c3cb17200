package org.skein.routing;

import org.skein.cluster.NodeID;
import org.xmpp.packet.JID;
import org.xmpp.packet.Packet;

/**
 * Delivers packets to sessions held by other nodes of the cluster. A clustering plugin sets one on the
 * {@link RoutingTable} when the node joins a cluster and clears it when it leaves; a node alone has
 * none.
 *
 * <p>Called on the sending session's processing thread for every packet to a remote route, so an
 * implementation must not wait for the other node: queue the packet and return. Packets for one node
 * must arrive in the order they were handed over.
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
}
