package org.skein.muc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.skein.cluster.NodeID;
import org.skein.message.MessageRouter;
import org.skein.routing.RoutingTable;
import org.skein.session.LocalClientSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;
import org.xmpp.packet.Packet;
import org.xmpp.packet.Presence;

/**
 * Delivers a room's output: stanzas for sessions on this node are written to them here; the stanzas
 * for each other node (and the room's changes, for the replicas there) leave as one unit per node
 * through the {@link NodeLink}, whatever the number of recipients there: a room message with occupants
 * on three nodes crosses to each other node once. Other stanzas (invitations) go through the message
 * router. Runs on the room's thread, at the end of each of its tasks, so the order of a room's stanzas
 * is the same for every recipient.
 */
final class Fanout {

    private static final Logger LOG = LoggerFactory.getLogger(Fanout.class);

    private final NodeID localNode;
    private final RoutingTable routingTable;
    private final MessageRouter messageRouter;
    private volatile NodeLink link;

    Fanout(NodeID localNode, RoutingTable routingTable, MessageRouter messageRouter) {
        this.localNode = localNode;
        this.routingTable = routingTable;
        this.messageRouter = messageRouter;
    }

    /** Sets (or clears) the link to other nodes: set while the node is in a cluster. */
    void setLink(NodeLink newLink) {
        this.link = newLink;
    }

    void deliver(Room room, RoomOutput out) {
        if (out.isEmpty()) {
            return;
        }
        Map<NodeID, List<RoomOutput.Send>> remote = new LinkedHashMap<>();
        for (RoomOutput.Send send : out.sends()) {
            List<RoomOutput.Recipient> elsewhere = null;
            for (RoomOutput.Recipient r : send.recipients()) {
                if (r.node().equals(localNode)) {
                    deliverLocal(send.stanza(), r.jid());
                } else {
                    if (elsewhere == null) {
                        elsewhere = new ArrayList<>();
                    }
                    elsewhere.add(r);
                }
            }
            if (elsewhere != null) {
                for (RoomOutput.Recipient r : elsewhere) {
                    remote.computeIfAbsent(r.node(), n -> new ArrayList<>());
                }
                Map<NodeID, List<RoomOutput.Recipient>> byNode = new LinkedHashMap<>();
                for (RoomOutput.Recipient r : elsewhere) {
                    byNode.computeIfAbsent(r.node(), n -> new ArrayList<>()).add(r);
                }
                byNode.forEach((node, recipients) -> remote.get(node).add(new RoomOutput.Send(send.stanza(), recipients)));
            }
        }
        List<Object> changes = out.changes();
        NodeLink current = link;
        if (current != null && !changes.isEmpty()) {
            // every node that keeps a replica of the room learns of the change, even with nothing to deliver
            for (NodeID node : replicaNodes(room, out)) {
                remote.computeIfAbsent(node, n -> new ArrayList<>());
            }
        }
        if (!remote.isEmpty()) {
            long seq = room.nextSeq();
            for (Map.Entry<NodeID, List<RoomOutput.Send>> entry : remote.entrySet()) {
                if (current == null) {
                    fallback(entry.getValue());
                } else {
                    current.toNode(entry.getKey(), room.jid, seq, entry.getValue(), changes);
                }
            }
        }
        for (Packet packet : out.routed()) {
            try {
                if (packet instanceof Message message) {
                    messageRouter.route(message);
                }
            } catch (RuntimeException e) {
                LOG.warn("Room {} could not send {}", room.jid, packet.toXML(), e);
            }
        }
    }

    /** The nodes that hold occupants of the room after this step, and those that held the ones who left in it. */
    private Set<NodeID> replicaNodes(Room room, RoomOutput out) {
        Set<NodeID> nodes = new java.util.LinkedHashSet<>();
        for (Occupant o : room.byNick.values()) {
            for (Occupant.Session s : o.sessions.values()) {
                nodes.add(s.node);
            }
        }
        for (RoomOutput.Send send : out.sends()) {
            for (RoomOutput.Recipient r : send.recipients()) {
                nodes.add(r.node());
            }
        }
        nodes.remove(localNode);
        return nodes;
    }

    /** Without a link (not clustered, yet a remote recipient): one stanza per recipient through the routing table. */
    private void fallback(List<RoomOutput.Send> sends) {
        for (RoomOutput.Send send : sends) {
            for (RoomOutput.Recipient r : send.recipients()) {
                Packet copy = send.stanza().createCopy();
                copy.setTo(r.jid());
                routingTable.routeToFullJid(r.jid(), copy);
            }
        }
    }

    /** Writes a stanza to a session of this node (copied, with {@code to} set); a session that is gone is skipped. */
    void deliverLocal(Packet stanza, JID recipient) {
        LocalClientSession session = routingTable.localSession(recipient);
        if (session == null) {
            return; // gone: its unavailable presence reaches the room on its own (directed presence)
        }
        Packet copy = stanza.createCopy();
        copy.setTo(recipient);
        if (copy instanceof Presence) {
            session.deliver(copy);
        } else {
            session.deliverXml(copy.toXML());
        }
    }
}
