package org.skein.muc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.skein.blocking.BlockingPolicy;
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
    private final BlockingPolicy blocking;

    Fanout(NodeID localNode, RoutingTable routingTable, MessageRouter messageRouter, BlockingPolicy blocking) {
        this.localNode = localNode;
        this.routingTable = routingTable;
        this.messageRouter = messageRouter;
        this.blocking = blocking;
    }

    void deliver(Room room, RoomOutput out) {
        if (out.isEmpty()) {
            return;
        }
        Map<NodeID, List<RoomOutput.Send>> remote = new LinkedHashMap<>();
        for (RoomOutput.Send send : out.sends()) {
            Map<NodeID, List<RoomOutput.Recipient>> elsewhere = null;
            for (RoomOutput.Recipient r : send.recipients()) {
                if (r.node().equals(localNode)) {
                    deliverLocal(send.stanza(), r.jid());
                } else {
                    if (elsewhere == null) {
                        elsewhere = new LinkedHashMap<>();
                    }
                    elsewhere.computeIfAbsent(r.node(), n -> new ArrayList<>()).add(r);
                }
            }
            if (elsewhere != null) {
                elsewhere.forEach((node, recipients) ->
                        remote.computeIfAbsent(node, n -> new ArrayList<>()).add(new RoomOutput.Send(send.stanza(), recipients)));
            }
        }
        NodeLink link = room.rooms.link();
        if (link == null) {
            remote.values().forEach(this::fallback);
        } else {
            toOtherNodes(room, out, remote, link);
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

    /**
     * One unit per other node: its stanzas, and the room's changes for its copy of the room. A node that
     * has no copy yet (its first occupant just came, or the room just started running here) gets a
     * snapshot of the whole room instead of the changes.
     */
    private void toOtherNodes(Room room, RoomOutput out, Map<NodeID, List<RoomOutput.Send>> remote, NodeLink link) {
        List<Object> changes = out.changes();
        Set<NodeID> holding = replicaNodes(room, out);
        if (!changes.isEmpty() || out.isResync()) {
            for (NodeID node : holding) {
                remote.computeIfAbsent(node, n -> new ArrayList<>());
            }
        }
        if (remote.isEmpty()) {
            return;
        }
        long seq = room.nextSeq();
        RoomView snapshot = null;
        for (Map.Entry<NodeID, List<RoomOutput.Send>> entry : remote.entrySet()) {
            NodeID node = entry.getKey();
            boolean fresh = holding.contains(node) && room.replicaNodes.add(node);
            if (fresh && snapshot == null) {
                snapshot = room.snapshot(seq);
            }
            link.toNode(node, room.jid, seq, fresh ? snapshot : null, fresh ? List.of() : changes, entry.getValue());
        }
        room.replicaNodes.retainAll(holding);
    }

    /** The other nodes that hold occupants of the room after this step. */
    private Set<NodeID> replicaNodes(Room room, RoomOutput out) {
        Set<NodeID> nodes = new java.util.LinkedHashSet<>();
        for (Occupant o : room.byNick.values()) {
            for (Occupant.Session s : o.sessions.values()) {
                nodes.add(s.node);
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

    /**
     * Writes a stanza to a session of this node (copied, with {@code to} set); a session that is gone is
     * skipped, and so is a user who blocked the room or the occupant (XEP-0191).
     */
    void deliverLocal(Packet stanza, JID recipient) {
        LocalClientSession session = routingTable.localSession(recipient);
        if (session == null) {
            return; // gone: its unavailable presence reaches the room on its own (directed presence)
        }
        if (blocking.check(stanza.getFrom(), recipient) == BlockingPolicy.Verdict.BLOCKED_BY_RECIPIENT) {
            return;
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
