package org.skein.muc;

import java.util.List;
import org.dom4j.Element;
import org.skein.cluster.NodeID;
import org.skein.component.LocalComponent;
import org.skein.routing.RoutingTable;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;
import org.xmpp.packet.Packet;
import org.xmpp.packet.PacketError;

/**
 * A group chat service on its domain ({@code conference.example.org}), as the node's component: it
 * answers what is addressed to the service itself (disco, the list of public rooms, ping) on the
 * sender's node, hands everything for a room to the room's home ({@link Rooms}), and takes what other
 * nodes send it for its rooms ({@link LinkReceiver}).
 */
final class MucComponent implements LocalComponent {

    /** The most rooms one disco#items answer lists. */
    static final int MAX_LISTED = 500;

    private final Rooms rooms;
    private final NodeID localNode;
    private final RoutingTable routingTable;
    private volatile LinkReceiver receiver;

    MucComponent(Rooms rooms, NodeID localNode, RoutingTable routingTable) {
        this.rooms = rooms;
        this.localNode = localNode;
        this.routingTable = routingTable;
    }

    void setReceiver(LinkReceiver newReceiver) {
        this.receiver = newReceiver;
    }

    @Override
    public String domain() {
        return rooms.domain();
    }

    @Override
    public String name() {
        return "Chatrooms";
    }

    @Override
    public void process(Packet packet) {
        JID to = packet.getTo();
        JID from = packet.getFrom();
        if (to == null || from == null) {
            return;
        }
        LinkReceiver current = receiver;
        if (current != null && from.getNode() == null && from.getResource() == null && rooms.domain().equals(from.getDomain())) {
            current.receive(packet); // the service on another node speaks: only nodes can send from the service's own address
            return;
        }
        if (to.getNode() == null) {
            service(packet);
            return;
        }
        rooms.dispatch(packet, localNode);
    }

    private void service(Packet packet) {
        if (packet instanceof IQ iq) {
            if (!MucXml.isRequest(iq)) {
                return;
            }
            Element child = iq.getChildElement();
            String ns = child == null ? "" : child.getNamespaceURI();
            IQ reply;
            if (MucXml.DISCO_INFO.equals(ns) && iq.getType() == IQ.Type.get) {
                reply = info(iq);
            } else if (MucXml.DISCO_ITEMS.equals(ns) && iq.getType() == IQ.Type.get) {
                reply = items(iq);
            } else if (MucXml.PING.equals(ns) && iq.getType() == IQ.Type.get) {
                reply = IQ.createResultIQ(iq);
            } else {
                reply = MucXml.iqError(iq, PacketError.Condition.service_unavailable);
            }
            routingTable.routeToFullJid(iq.getFrom(), reply);
        } else if (packet instanceof Message message && message.getType() != Message.Type.error) {
            routingTable.routeToFullJid(message.getFrom(), MucXml.messageError(message, PacketError.Condition.service_unavailable));
        }
    }

    private IQ info(IQ request) {
        if (request.getChildElement().attributeValue("node") != null) {
            return MucXml.iqError(request, PacketError.Condition.item_not_found);
        }
        IQ reply = IQ.createResultIQ(request);
        Element query = reply.setChildElement("query", MucXml.DISCO_INFO);
        query.addElement("identity").addAttribute("category", "conference").addAttribute("type", "text").addAttribute("name", name());
        for (String feature : List.of(MucXml.MUC, MucXml.STABLE_ID, MucXml.OCCUPANT_ID, MucXml.DISCO_INFO, MucXml.DISCO_ITEMS, MucXml.PING)) {
            query.addElement("feature").addAttribute("var", feature);
        }
        return reply;
    }

    private IQ items(IQ request) {
        if (request.getChildElement().attributeValue("node") != null) {
            return MucXml.iqError(request, PacketError.Condition.item_not_found);
        }
        IQ reply = IQ.createResultIQ(request);
        Element query = reply.setChildElement("query", MucXml.DISCO_ITEMS);
        int listed = 0;
        for (RoomSummary room : rooms.publicRooms()) {
            if (listed++ >= MAX_LISTED) {
                break;
            }
            query.addElement("item").addAttribute("jid", room.room()).addAttribute("name", room.name());
        }
        return reply;
    }
}
