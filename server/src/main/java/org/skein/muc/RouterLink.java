package org.skein.muc;

import java.util.List;
import org.skein.cluster.NodeID;
import org.skein.routing.RemotePacketRouter;
import org.skein.routing.RoutingTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.JID;
import org.xmpp.packet.Packet;

/**
 * The {@link NodeLink} of a service over the node's {@link RemotePacketRouter}: each unit is one
 * stanza from the service to the room's JID ({@link LinkCodec}), so it travels in the router's batches,
 * in order per pair of nodes, and lands at the other node's component for the service. A unit the
 * router cannot deliver (its node died) comes back through the routing table's undeliverable path to
 * this node's component ({@link LinkInbox}).
 */
final class RouterLink implements NodeLink {

    private static final Logger LOG = LoggerFactory.getLogger(RouterLink.class);

    private final JID service;
    private final RoutingTable routingTable;

    RouterLink(JID service, RoutingTable routingTable) {
        this.service = service;
        this.routingTable = routingTable;
    }

    @Override
    public boolean toHome(NodeID home, Packet stanza, NodeID origin) {
        RemotePacketRouter router = routingTable.getRemotePacketRouter();
        if (router == null) {
            return false;
        }
        String room = stanza.getTo().toBareJID();
        return router.routePacket(home, new JID(room, true), LinkCodec.home(service, room, home, stanza, origin, 0));
    }

    /** Passes a stanza on towards a room's home once more (the home this node knew moved). */
    boolean toHome(NodeID home, Packet stanza, NodeID origin, int hops) {
        RemotePacketRouter router = routingTable.getRemotePacketRouter();
        if (router == null) {
            return false;
        }
        String room = stanza.getTo().toBareJID();
        return router.routePacket(home, new JID(room, true), LinkCodec.home(service, room, home, stanza, origin, hops));
    }

    @Override
    public void toNode(NodeID node, String room, long seq, RoomView snapshot, List<Object> changes, List<RoomOutput.Send> sends) {
        RemotePacketRouter router = routingTable.getRemotePacketRouter();
        if (router == null || !router.routePacket(node, new JID(room, true), LinkCodec.deliver(service, room, node, seq, snapshot, changes, sends))) {
            LOG.debug("Room {}: node {} is not reachable; its part of step {} is dropped (its sessions are gone with it)", room, node, seq);
        }
    }
}
