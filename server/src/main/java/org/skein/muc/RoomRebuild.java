package org.skein.muc;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.skein.cluster.NodeID;
import org.skein.xmpp.stream.StanzaParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.JID;
import org.xmpp.packet.Presence;

/**
 * A room's occupants when nodes come and go: rebuilding a room from the nodes' views when this node
 * starts running it (the old home crashed or the room was at rest), taking out the sessions of a node
 * that is gone, and adding what another node re-asserts after a merge. Every node is the authority on
 * its own sessions. Runs on the room's thread.
 */
final class RoomRebuild {

    private static final Logger LOG = LoggerFactory.getLogger(RoomRebuild.class);

    private final Room room;

    RoomRebuild(Room room) {
        this.room = room;
    }

    /**
     * Rebuilds the occupants from views (this node's copy and the other members'): a session stays if
     * the view that names it is from its own node, or if its node is a member that did not answer; the
     * occupants of nodes that are gone leave with status 333, once each.
     */
    void rebuild(List<RoomView> views, RoomOutput out) {
        if (views.isEmpty()) {
            return;
        }
        List<RoomView> freshestFirst = new ArrayList<>(views);
        freshestFirst.sort(Comparator.comparingLong(RoomView::seq).reversed());
        Set<String> answered = new HashSet<>();
        for (RoomView v : views) {
            answered.add(v.node());
        }
        Map<String, OccupantState> lost = new LinkedHashMap<>();
        for (RoomView view : freshestFirst) {
            for (OccupantState o : view.occupants()) {
                for (OccupantState.SessionState s : o.sessions()) {
                    NodeID node = NodeID.of(s.node());
                    boolean own = s.node().equals(view.node());
                    boolean member = room.rooms.node().homes.isMember(node);
                    if (own || (member && !answered.contains(s.node()))) {
                        addSession(o, s, out);
                    } else if (!member) {
                        lost.putIfAbsent(o.nick() + "\u0000" + o.bareJid(), o);
                    }
                }
            }
        }
        for (OccupantState gone : lost.values()) {
            Occupant now = room.byNick.get(gone.nick());
            if (now != null && now.bareJid.equals(gone.bareJid())) {
                continue; // still here with a session on a live node
            }
            Occupant ghost = occupant(gone);
            ghost.role = Role.NONE;
            room.broadcastPresence(ghost, Presence.Type.unavailable, null, null, Set.of(MucXml.TECHNICAL), Set.of(), null, null,
                    List.of(), out);
            out.occupantRemoved(gone.nick());
        }
        if (!lost.isEmpty()) {
            LOG.info("Room {}: rebuilt on node {} with {} occupants; {} occupants of nodes that are gone left (333)", room.jid,
                    room.rooms.node().localNode, room.byNick.size(), lost.size());
        }
        out.resync();
    }

    /** Adds a session from a view, unless the room has it; a nickname held by another user goes to the earlier arrival. */
    private void addSession(OccupantState o, OccupantState.SessionState s, RoomOutput out) {
        if (room.bySession.containsKey(s.jid())) {
            return;
        }
        JID jid = new JID(s.jid(), true);
        Occupant holder = room.byNick.get(o.nick());
        if (holder == null) {
            holder = occupant(o);
            room.byNick.put(o.nick(), holder);
        } else if (!holder.bareJid.equals(o.bareJid())) {
            if (holder.joinedAt <= o.joinedAt()) {
                evict(o, List.of(new RoomOutput.Recipient(jid, NodeID.of(s.node()))), out);
                return;
            }
            evict(OccupantState.of(holder), Room.sessionsOf(holder), out);
            room.removeOccupant(holder);
            holder = occupant(o);
            room.byNick.put(o.nick(), holder);
        }
        holder.addSession(jid, NodeID.of(s.node()), presence(s.presenceXml()));
        room.bySession.put(s.jid(), holder);
    }

    /** The loser of a nickname clash: its sessions are told they are out of the room (110, 333); the others see nothing. */
    private void evict(OccupantState o, List<RoomOutput.Recipient> sessions, RoomOutput out) {
        Occupant loser = occupant(o);
        loser.role = Role.NONE;
        java.util.TreeSet<Integer> codes = new java.util.TreeSet<>(Set.of(MucXml.SELF, MucXml.TECHNICAL));
        out.send(room.occupantPresence(loser, Presence.Type.unavailable, "Your nickname was taken while the cluster was split; "
                + "please enter the room again", null, true, codes, null, null), sessions);
        LOG.info("Room {}: nickname {} of {} clashed after a merge; the later arrival was asked to enter again", room.jid, o.nick(),
                o.bareJid());
    }

    /**
     * Adds what a node re-asserts about a room that runs here (after a merge): the sessions of that node
     * the room does not have join (the others see them arrive, they get the others' presence).
     */
    void merge(RoomView view, RoomOutput out) {
        int added = 0;
        for (OccupantState o : view.occupants()) {
            for (OccupantState.SessionState s : o.sessions()) {
                if (!s.node().equals(view.node()) || room.bySession.containsKey(s.jid())) {
                    continue;
                }
                Occupant before = room.byNick.get(o.nick());
                addSession(o, s, out);
                Occupant now = room.bySession.get(s.jid());
                if (now == null) {
                    continue; // lost a nickname clash
                }
                added++;
                RoomOutput.Recipient session = new RoomOutput.Recipient(new JID(s.jid(), true), NodeID.of(s.node()));
                for (Occupant other : room.byNick.values()) {
                    if (other != now) {
                        out.send(room.occupantPresence(other, null, null, null, room.seesJids(now), Set.of(), null, null), session);
                    }
                }
                if (before != now) {
                    room.broadcastPresence(now, null, null, null, Set.of(), Set.of(), null, null, List.of(), out);
                }
                out.occupantChanged(now);
            }
        }
        if (added > 0) {
            LOG.info("Room {}: node {} re-asserted {} session(s) after the cluster changed", room.jid, view.node(), added);
        }
        out.resync();
    }

    /** Takes out every session of a node that is gone; occupants left without a session leave with 333. */
    void nodeLost(NodeID node, RoomOutput out) {
        int lost = 0;
        for (Occupant o : new ArrayList<>(room.byNick.values())) {
            for (Occupant.Session s : o.sessionList()) {
                if (s.node.equals(node)) {
                    room.presences.removeSession(o, s.jid, Set.of(MucXml.TECHNICAL), null, false, out);
                    lost++;
                }
            }
        }
        room.replicaNodes.remove(node);
        if (lost > 0) {
            LOG.info("Room {}: {} session(s) of node {} are gone (333)", room.jid, lost, node);
        }
    }

    private Occupant occupant(OccupantState o) {
        Affiliation affiliation = room.record == null ? o.affiliation() : room.record.affiliationOf(o.bareJid());
        return new Occupant(o.nick(), o.bareJid(), o.occupantId(), o.joinedAt(), o.role(), affiliation);
    }

    private static Presence presence(String xml) {
        if (xml == null) {
            return new Presence();
        }
        try {
            return (Presence) StanzaParser.parsePacket(xml);
        } catch (RuntimeException e) {
            return new Presence();
        }
    }
}
