package org.skein.muc;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.dom4j.Element;
import org.skein.cluster.NodeID;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;
import org.xmpp.packet.PacketError;
import org.xmpp.packet.Presence;

/**
 * The occupant use cases of a room that come as presence (XEP-0045 sections 7.2 to 7.7 and 7.14):
 * entering (and creating), presence changes, nickname changes, leaving. Runs on the room's thread.
 */
final class RoomPresences {

    private final Room room;

    RoomPresences(Room room) {
        this.room = room;
    }

    void handle(Presence presence, NodeID origin, RoomOutput out) {
        JID from = presence.getFrom();
        String nick = presence.getTo().getResource();
        Occupant occupant = room.bySession.get(from.toString());
        Presence.Type type = presence.getType();
        if (type == Presence.Type.unavailable) {
            if (occupant != null) {
                leave(occupant, from, presence.getStatus(), presence.getID(), out);
            }
            return;
        }
        if (type == Presence.Type.error) {
            if (occupant != null) {
                // the occupant's client bounced what the room sent: it is gone (XEP-0045 section 18.1)
                removeSession(occupant, from, Set.of(MucXml.TECHNICAL), null, true, out);
            }
            return;
        }
        if (type != null) {
            return; // subscriptions and probes mean nothing to a room
        }
        if (nick == null || nick.isBlank()) {
            if (occupant == null) {
                out.send(MucXml.presenceError(presence, PacketError.Condition.jid_malformed), new RoomOutput.Recipient(from, origin));
            }
            return;
        }
        if (occupant == null) {
            enter(presence, from, nick, origin, out);
        } else if (occupant.nick.equals(nick)) {
            update(occupant, from, presence, origin, out);
        } else {
            changeNick(occupant, from, nick, presence, origin, out);
        }
    }

    private void enter(Presence presence, JID from, String nick, NodeID origin, RoomOutput out) {
        RoomOutput.Recipient sender = new RoomOutput.Recipient(from, origin);
        String bare = from.toBareJID();
        boolean created = false;
        if (!room.exists()) {
            if (!room.rooms.mayCreateRooms(from)) {
                out.send(MucXml.presenceError(presence, PacketError.Condition.not_allowed, "Only administrators may create rooms"), sender);
                return;
            }
            room.saveRecord(room.rooms.newRecord(room.jid, bare, true));
            created = true;
        }
        RoomRecord record = room.record;
        Affiliation affiliation = record.affiliationOf(bare);
        if (record.locked() && affiliation != Affiliation.OWNER) {
            out.send(MucXml.presenceError(presence, PacketError.Condition.item_not_found,
                    "The room is locked until its owner configures it"), sender);
            return;
        }
        if (affiliation == Affiliation.OUTCAST) {
            out.send(MucXml.presenceError(presence, PacketError.Condition.forbidden, "You are banned from this room"), sender);
            return;
        }
        RoomConfig config = record.config();
        if (config.membersOnly() && !affiliation.isAtLeast(Affiliation.MEMBER)) {
            out.send(MucXml.presenceError(presence, PacketError.Condition.registration_required, "The room is members-only"), sender);
            return;
        }
        Element mucX = MucXml.x(presence, MucXml.MUC);
        if (config.passwordProtected() && affiliation != Affiliation.OWNER) {
            String given = mucX == null ? null : mucX.elementText("password");
            if (given == null || !given.equals(config.password())) {
                out.send(MucXml.presenceError(presence, PacketError.Condition.not_authorized, "A password is required"), sender);
                return;
            }
        }
        Occupant holder = room.byNick.get(nick);
        if (holder != null && !holder.bareJid.equals(bare)) {
            out.send(MucXml.presenceError(presence, PacketError.Condition.conflict, "The nickname is in use"), sender);
            return;
        }
        if (holder == null && config.maxUsers() > 0 && room.byNick.size() >= config.maxUsers()
                && !affiliation.isAtLeast(Affiliation.ADMIN)) {
            out.send(MucXml.presenceError(presence, PacketError.Condition.service_unavailable, "The room is full"), sender);
            return;
        }
        Presence own = clean(presence);
        if (holder != null) {
            // another session of the same user under the same nickname: it gets the room as a new occupant would
            holder.addSession(from, origin, own);
            room.bySession.put(from.toString(), holder);
            sendRoomTo(holder, sender, presence.getID(), selfCodes(holder, false), presence, out);
            return;
        }
        Occupant occupant = new Occupant(nick, bare, room.occupantId(bare), room.rooms.clock().millis(),
                room.defaultRole(affiliation), affiliation);
        occupant.addSession(from, origin, own);
        // the others' presence first, then the newcomer's to the others, then its own presence, history, subject
        for (Occupant other : room.byNick.values()) {
            out.send(room.occupantPresence(other, null, null, null, room.seesJids(occupant), Set.of(), null, null), sender);
        }
        room.byNick.put(nick, occupant);
        room.bySession.put(from.toString(), occupant);
        Set<Integer> selfCodes = selfCodes(occupant, created);
        room.broadcastPresence(occupant, null, null, presence.getID(), Set.of(), selfCodes, null, null, List.of(), out);
        if (!created) {
            sendHistoryAndSubject(sender, mucX == null ? null : mucX.element("history"), out);
        }
        out.occupantChanged(occupant);
    }

    private Set<Integer> selfCodes(Occupant occupant, boolean created) {
        Set<Integer> codes = new TreeSet<>();
        RoomConfig config = room.config();
        if (config.whois() == RoomConfig.Whois.ANYONE) {
            codes.add(MucXml.NON_ANONYMOUS);
        }
        if (config.logging()) {
            codes.add(MucXml.LOGGING);
        }
        if (created) {
            codes.add(MucXml.CREATED);
        }
        return codes;
    }

    /** What a further session of an occupant gets when it enters: the others, itself, history, subject. */
    private void sendRoomTo(Occupant occupant, RoomOutput.Recipient session, String id, Set<Integer> selfCodes, Presence request,
                            RoomOutput out) {
        for (Occupant other : room.byNick.values()) {
            if (other != occupant) {
                out.send(room.occupantPresence(other, null, null, null, room.seesJids(occupant), Set.of(), null, null), session);
            }
        }
        TreeSet<Integer> codes = new TreeSet<>(selfCodes);
        codes.add(MucXml.SELF);
        out.send(room.occupantPresence(occupant, null, null, id, true, codes, null, null), session);
        Element mucX = MucXml.x(request, MucXml.MUC);
        sendHistoryAndSubject(session, mucX == null ? null : mucX.element("history"), out);
    }

    private void sendHistoryAndSubject(RoomOutput.Recipient session, Element historyRequest, RoomOutput out) {
        long now = room.rooms.clock().millis();
        for (History.Entry entry : room.history.select(historyRequest, now)) {
            Message message = (Message) org.skein.xmpp.stream.StanzaParser.parsePacket(entry.xml());
            MucXml.delay(message, room.jid, entry.stamp());
            out.send(message, session);
        }
        out.send(room.messages.subjectMessage(), session);
    }

    private void update(Occupant occupant, JID from, Presence presence, NodeID origin, RoomOutput out) {
        Occupant.Session session = occupant.session(from);
        session.presence = clean(presence);
        session.node = origin;
        // the session that spoke last is the occupant's latest
        occupant.sessions.remove(from.toString());
        occupant.sessions.put(from.toString(), session);
        room.broadcastPresence(occupant, null, null, presence.getID(), Set.of(), Set.of(), null, null, List.of(), out);
        out.occupantChanged(occupant);
    }

    private void changeNick(Occupant occupant, JID from, String nick, Presence presence, NodeID origin, RoomOutput out) {
        Occupant holder = room.byNick.get(nick);
        if (holder != null) {
            out.send(MucXml.presenceError(presence, PacketError.Condition.conflict, "The nickname is in use"),
                    new RoomOutput.Recipient(from, origin));
            return;
        }
        String newNick = nick;
        room.broadcastPresence(occupant, Presence.Type.unavailable, null, null, Set.of(MucXml.NEW_NICK), Set.of(),
                item -> item.addAttribute("nick", newNick), null, List.of(), out);
        room.byNick.remove(occupant.nick, occupant);
        String oldNick = occupant.nick;
        occupant.nick = newNick;
        room.byNick.put(newNick, occupant);
        Occupant.Session session = occupant.session(from);
        session.presence = clean(presence);
        room.broadcastPresence(occupant, null, null, presence.getID(), Set.of(), Set.of(), null, null, List.of(), out);
        out.occupantRemoved(oldNick);
        out.occupantChanged(occupant);
    }

    /** A session leaves of its own will: the last one takes the occupant out of the room. */
    void leave(Occupant occupant, JID from, String status, String id, RoomOutput out) {
        if (occupant.sessions.size() > 1) {
            Occupant.Session gone = occupant.sessions.remove(from.toString());
            room.bySession.remove(from.toString(), occupant);
            TreeSet<Integer> codes = new TreeSet<>(Set.of(MucXml.SELF));
            out.send(room.occupantPresence(occupant, Presence.Type.unavailable, status, id, true, codes, null, null),
                    new RoomOutput.Recipient(gone.jid, gone.node));
            out.occupantChanged(occupant);
            return;
        }
        room.removeOccupant(occupant);
        Occupant.Session gone = occupant.session(from);
        occupant.role = Role.NONE;
        room.broadcastPresence(occupant, Presence.Type.unavailable, status, id, Set.of(), Set.of(), null, null,
                List.of(new RoomOutput.Recipient(gone.jid, gone.node)), out);
        out.occupantRemoved(occupant.nick);
    }

    /**
     * Takes a session out without its client asking (its node crashed, its client bounced): the
     * occupant's other sessions stay; with none left, everyone gets unavailable presence with
     * {@code codes} (the session too, if {@code tellSession}: not when its node is gone).
     */
    void removeSession(Occupant occupant, JID session, Set<Integer> codes, String reason, boolean tellSession, RoomOutput out) {
        Occupant.Session gone = occupant.sessions.remove(session.toString());
        room.bySession.remove(session.toString(), occupant);
        if (!occupant.sessions.isEmpty()) {
            out.occupantChanged(occupant);
            return;
        }
        room.removeOccupant(occupant);
        occupant.role = Role.NONE;
        List<RoomOutput.Recipient> self = gone == null || !tellSession ? List.of() : List.of(new RoomOutput.Recipient(gone.jid, gone.node));
        room.broadcastPresence(occupant, Presence.Type.unavailable, null, null, codes, Set.of(),
                reason == null ? null : item -> item.addElement("reason").setText(reason), null, self, out);
        out.occupantRemoved(occupant.nick);
    }

    /** The presence a session sent, as the room keeps it: without the join payload and without addresses. */
    static Presence clean(Presence presence) {
        Presence copy = presence.createCopy();
        copy.setTo((JID) null);
        copy.setFrom((JID) null);
        copy.setID(null);
        for (Element x : List.copyOf(copy.getElement().elements("x"))) {
            if (MucXml.MUC.equals(x.getNamespaceURI()) || MucXml.USER.equals(x.getNamespaceURI())) {
                copy.getElement().remove(x);
            }
        }
        return copy;
    }
}
