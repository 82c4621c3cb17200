package org.skein.muc;

import java.util.List;
import org.dom4j.Element;
import org.dom4j.QName;
import org.skein.cluster.NodeID;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;
import org.xmpp.packet.PacketError;

/**
 * The message use cases of a room (XEP-0045 sections 7.4 to 7.5, 7.8 and 8.1): messages to all
 * occupants (with a stanza id and occupant id, kept in the history), subject changes, private
 * messages between occupants, mediated invitations and declines. Runs on the room's thread.
 */
final class RoomMessages {

    private final Room room;

    RoomMessages(Room room) {
        this.room = room;
    }

    void handle(Message message, NodeID origin, RoomOutput out) {
        JID from = message.getFrom();
        RoomOutput.Recipient sender = new RoomOutput.Recipient(from, origin);
        if (message.getType() == Message.Type.error) {
            return; // a client bounced something: nothing to answer
        }
        if (!room.exists() || (room.record.locked() && room.bySession.get(from.toString()) == null)) {
            out.send(MucXml.messageError(message, PacketError.Condition.item_not_found), sender);
            return;
        }
        String nick = message.getTo().getResource();
        if (nick != null) {
            privateMessage(message, nick, sender, out);
        } else if (message.getType() == Message.Type.groupchat) {
            groupchat(message, sender, out);
        } else {
            toRoom(message, sender, out);
        }
    }

    private void groupchat(Message message, RoomOutput.Recipient sender, RoomOutput out) {
        Occupant occupant = room.bySession.get(sender.jid().toString());
        if (occupant == null) {
            out.send(MucXml.messageError(message, PacketError.Condition.not_acceptable), sender);
            return;
        }
        if (occupant.role == Role.VISITOR) {
            out.send(MucXml.messageError(message, PacketError.Condition.forbidden), sender);
            return;
        }
        boolean subjectChange = message.getSubject() != null && message.getBody() == null && message.getThread() == null;
        if (subjectChange) {
            changeSubject(message, occupant, sender, out);
            return;
        }
        String senderJid = sender.jid().toString();
        if (room.history.contains(senderJid, message.getID())) {
            return; // sent again after the room's home crashed: everyone has it already
        }
        Message copy = message.createCopy();
        MucXml.strip(copy, room.jid);
        copy.setTo((JID) null);
        copy.setFrom(room.occupantJid(occupant.nick));
        MucXml.occupantId(copy, occupant.occupantId);
        // the room's archive (XEP-0313), written once here on the room's home when the room keeps one; its id is the stanza id
        org.skein.mam.MessageArchive archive = room.rooms.node().archive;
        String stanzaId = null;
        if (room.config().logging() && message.getBody() != null && archive.isEnabled()) {
            stanzaId = archive.appendToRoom(room.jid, occupant.nick, copy.toXML());
        }
        if (stanzaId == null) {
            stanzaId = archive.newId();
        }
        copy.getElement().addElement(QName.get("stanza-id", MucXml.STANZA_ID)).addAttribute("id", stanzaId).addAttribute("by", room.jid);
        out.send(copy, room.everyone());
        if (message.getBody() != null && room.config().historyLength() > 0) {
            String xml = copy.toXML();
            History.Entry entry = new History.Entry(room.nextSeq(), room.rooms.clock().millis(), xml, senderJid, message.getID(),
                    message.getBody().length());
            room.history.add(entry);
            out.historyAdded(entry);
        }
    }

    private void changeSubject(Message message, Occupant occupant, RoomOutput.Recipient sender, RoomOutput out) {
        boolean allowed = occupant.isModerator() || (room.config().changeSubject() && occupant.role == Role.PARTICIPANT);
        if (!allowed) {
            out.send(MucXml.messageError(message, PacketError.Condition.forbidden), sender);
            return;
        }
        RoomRecord.Subject subject = new RoomRecord.Subject(message.getSubject(), occupant.nick, room.rooms.clock().millis());
        room.saveRecord(room.record.withSubject(subject));
        Message copy = message.createCopy();
        MucXml.strip(copy, room.jid);
        copy.setTo((JID) null);
        copy.setFrom(room.occupantJid(occupant.nick));
        MucXml.occupantId(copy, occupant.occupantId);
        out.send(copy, room.everyone());
    }

    /** The subject as a newcomer gets it: from who set it, an empty subject when there is none. */
    Message subjectMessage() {
        Message message = new Message();
        message.setType(Message.Type.groupchat);
        RoomRecord.Subject subject = room.record.subject();
        if (subject == null || subject.text().isEmpty()) {
            message.setFrom(room.address);
            message.getElement().addElement("subject");
        } else {
            message.setFrom(subject.nick().isEmpty() ? room.address : room.occupantJid(subject.nick()));
            message.setSubject(subject.text());
        }
        return message;
    }

    private void privateMessage(Message message, String nick, RoomOutput.Recipient sender, RoomOutput out) {
        Occupant occupant = room.bySession.get(sender.jid().toString());
        if (occupant == null) {
            out.send(MucXml.messageError(message, PacketError.Condition.not_acceptable), sender);
            return;
        }
        if (message.getType() == Message.Type.groupchat) {
            out.send(MucXml.messageError(message, PacketError.Condition.bad_request), sender);
            return;
        }
        Occupant target = room.byNick.get(nick);
        if (target == null) {
            out.send(MucXml.messageError(message, PacketError.Condition.item_not_found), sender);
            return;
        }
        boolean allowed = switch (room.config().allowPm()) {
            case ANYONE -> true;
            case PARTICIPANTS -> occupant.role != Role.VISITOR;
            case MODERATORS -> occupant.isModerator();
            case NONE -> false;
        };
        if (!allowed) {
            out.send(MucXml.messageError(message, PacketError.Condition.forbidden), sender);
            return;
        }
        Message copy = message.createCopy();
        MucXml.strip(copy, room.jid);
        copy.setTo((JID) null);
        copy.setFrom(room.occupantJid(occupant.nick));
        copy.getElement().addElement(QName.get("x", MucXml.USER));
        MucXml.occupantId(copy, occupant.occupantId);
        out.send(copy, Room.sessionsOf(target));
    }

    /** A message to the room's bare JID that is not for everyone: invitations and declines. */
    private void toRoom(Message message, RoomOutput.Recipient sender, RoomOutput out) {
        Element x = MucXml.x(message, MucXml.USER);
        if (x == null || (x.element("invite") == null && x.element("decline") == null)) {
            out.send(MucXml.messageError(message, PacketError.Condition.bad_request), sender);
            return;
        }
        for (Element decline : x.elements("decline")) {
            JID to = jid(decline.attributeValue("to"));
            if (to != null) {
                Message forward = new Message();
                forward.setFrom(room.address);
                forward.setTo(to);
                Element fx = forward.getElement().addElement(QName.get("x", MucXml.USER));
                Element d = fx.addElement("decline").addAttribute("from", sender.jid().toBareJID());
                copyReason(decline, d);
                out.route(forward);
            }
        }
        List<Element> invites = x.elements("invite");
        if (invites.isEmpty()) {
            return;
        }
        Occupant occupant = room.bySession.get(sender.jid().toString());
        if (occupant == null) {
            out.send(MucXml.messageError(message, PacketError.Condition.not_acceptable), sender);
            return;
        }
        RoomConfig config = room.config();
        boolean privileged = occupant.affiliation.isAtLeast(Affiliation.ADMIN);
        if (!privileged && !config.allowInvites() && config.membersOnly()) {
            out.send(MucXml.messageError(message, PacketError.Condition.forbidden), sender);
            return;
        }
        for (Element invite : invites) {
            JID to = jid(invite.attributeValue("to"));
            if (to == null) {
                out.send(MucXml.messageError(message, PacketError.Condition.jid_malformed), sender);
                return;
            }
            if (config.membersOnly() && room.affiliationOf(to.toBareJID()) == Affiliation.NONE) {
                // an invitation into a members-only room makes the invitee a member (XEP-0045 section 7.8.2)
                java.util.Map<String, Affiliation> affiliations = new java.util.HashMap<>(room.record.affiliations());
                affiliations.put(to.toBareJID(), Affiliation.MEMBER);
                room.saveRecord(room.record.withAffiliations(affiliations));
            }
            Message forward = new Message();
            forward.setFrom(room.address);
            forward.setTo(to);
            forward.setID(message.getID());
            Element fx = forward.getElement().addElement(QName.get("x", MucXml.USER));
            Element i = fx.addElement("invite").addAttribute("from", sender.jid().toString());
            copyReason(invite, i);
            if (config.passwordProtected()) {
                fx.addElement("password").setText(config.password());
            }
            String reason = invite.elementText("reason");
            forward.setBody(sender.jid().toBareJID() + " invites you to the room " + room.jid
                    + (reason == null || reason.isBlank() ? "" : ": " + reason));
            out.route(forward);
        }
    }

    private static void copyReason(Element from, Element to) {
        String reason = from.elementText("reason");
        if (reason != null) {
            to.addElement("reason").setText(reason);
        }
    }

    private static JID jid(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return new JID(value.trim());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
