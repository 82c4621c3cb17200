package org.skein.muc;

import org.dom4j.Element;
import org.skein.cluster.NodeID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.Packet;

/**
 * What other nodes' services send this node's service ({@link LinkCodec}): stanzas for rooms homed
 * here (to the room's actor, or on to the room's current home), and rooms' output for the sessions of
 * this node (the copy of the room is updated first, then each stanza is written to its sessions). A unit
 * the router handed back because its node died comes here too: a stanza for a home goes to the room's
 * new home; output for a dead node is dropped. A unit that cannot be read is logged and dropped.
 */
final class LinkInbox implements LinkReceiver {

    private static final Logger LOG = LoggerFactory.getLogger(LinkInbox.class);

    private final Rooms rooms;
    private final NodeID localNode;

    LinkInbox(Rooms rooms, NodeID localNode) {
        this.rooms = rooms;
        this.localNode = localNode;
    }

    @Override
    public void receive(Packet packet) {
        Element element = LinkCodec.linkOf(packet);
        if (element == null) {
            return;
        }
        LinkCodec.Link link;
        try {
            link = LinkCodec.decode(element, localNode);
        } catch (IllegalArgumentException e) {
            LOG.warn("Node {} dropped a group chat unit for {} it cannot read: {}", localNode, packet.getTo(), e.getMessage());
            return;
        }
        String room = packet.getTo().toBareJID();
        boolean mine = link.target().equals(localNode);
        if ("home".equals(link.kind())) {
            if (link.stanza() != null && link.origin() != null) {
                // here for the room's home, or handed back from a home that died: either way to the room's home now
                rooms.dispatch(link.stanza(), link.origin(), link.hops() + 1);
            }
        } else if ("deliver".equals(link.kind())) {
            if (!mine) {
                LOG.debug("Room {}: output for node {} came back (the node is gone) and is dropped", room, link.target());
                return;
            }
            rooms.node().replicas.apply(room, link.seq(), link.snapshot(), link.changes());
            for (RoomOutput.Send send : link.sends()) {
                for (RoomOutput.Recipient recipient : send.recipients()) {
                    rooms.node().fanout.deliverLocal(send.stanza(), recipient.jid());
                }
            }
        }
    }
}
