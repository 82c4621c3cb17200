package org.skein.muc;

import org.dom4j.Element;
import org.skein.cluster.NodeID;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.PacketError;

/**
 * IQs to a room and to its occupants: disco (XEP-0045 sections 6.4 to 6.6), ping and self-ping
 * (XEP-0410), the administration namespaces (handed to {@link RoomAdministration}), and IQs between
 * occupants, which the room passes on with the requester's occupant JID and passes the answer back.
 * Runs on the room's thread.
 */
final class RoomQueries {

    private final Room room;

    RoomQueries(Room room) {
        this.room = room;
    }

    void handle(IQ iq, NodeID origin, RoomOutput out) {
        JID from = iq.getFrom();
        RoomOutput.Recipient sender = new RoomOutput.Recipient(from, origin);
        String nick = iq.getTo().getResource();
        if (nick != null) {
            toOccupant(iq, nick, sender, out);
            return;
        }
        if (!MucXml.isRequest(iq)) {
            return; // answers to the room itself are never asked for
        }
        Element child = iq.getChildElement();
        String ns = child == null ? "" : child.getNamespaceURI();
        boolean visible = room.exists() && (!room.record.locked() || room.affiliationOf(from.toBareJID()) == Affiliation.OWNER);
        if (!visible) {
            out.send(MucXml.iqError(iq, PacketError.Condition.item_not_found), sender);
            return;
        }
        switch (ns) {
            case MucXml.DISCO_INFO -> out.send(iq.getType() == IQ.Type.get ? info(iq) : MucXml.iqError(iq, PacketError.Condition.bad_request), sender);
            case MucXml.DISCO_ITEMS -> out.send(iq.getType() == IQ.Type.get ? items(iq) : MucXml.iqError(iq, PacketError.Condition.bad_request), sender);
            case MucXml.PING -> out.send(IQ.createResultIQ(iq), sender);
            case MucXml.ADMIN -> room.administration.admin(iq, sender, out);
            case MucXml.OWNER -> room.administration.owner(iq, sender, out);
            case org.skein.mam.MessageArchive.NAMESPACE -> archiveQuery(iq, sender, out);
            default -> out.send(MucXml.iqError(iq, PacketError.Condition.service_unavailable), sender);
        }
    }

    /**
     * A query of the room's archive (XEP-0313): only when the room keeps one (its logging option), for
     * members of a members-only room and anyone not banned otherwise. The room's thread checks who asks;
     * the read runs on the service's executor and its results go to the requester through the routing
     * table, the reply last.
     */
    private void archiveQuery(IQ iq, RoomOutput.Recipient sender, RoomOutput out) {
        org.skein.mam.MessageArchive archive = room.rooms.node().archive;
        if (!room.config().logging() || !archive.isEnabled()) {
            out.send(MucXml.iqError(iq, PacketError.Condition.service_unavailable), sender);
            return;
        }
        Affiliation affiliation = room.affiliationOf(iq.getFrom().toBareJID());
        boolean allowed = room.config().membersOnly()
                ? affiliation == Affiliation.MEMBER || affiliation == Affiliation.ADMIN || affiliation == Affiliation.OWNER
                : affiliation != Affiliation.OUTCAST;
        if (!allowed) {
            out.send(MucXml.iqError(iq, PacketError.Condition.forbidden), sender);
            return;
        }
        if (iq.getChildElement().getName().equals("prefs")) {
            out.send(MucXml.iqError(iq, PacketError.Condition.feature_not_implemented), sender);
            return;
        }
        JID roomJid = room.address;
        org.skein.routing.RoutingTable routes = room.rooms.node().routingTable;
        IQ request = iq.createCopy();
        room.rooms.node().executor.execute(() -> {
            IQ reply = org.skein.mam.MamQueryHandler.answer(archive, request, room.jid, roomJid, true, roomJid, xml -> {
                try {
                    routes.routeToFullJid(request.getFrom(), org.skein.xmpp.stream.StanzaParser.parsePacket(xml));
                } catch (IllegalArgumentException e) {
                    org.slf4j.LoggerFactory.getLogger(RoomQueries.class).warn("An archived message of {} cannot be sent: {}",
                            room.jid, e.getMessage());
                }
            });
            reply.setFrom(roomJid);
            routes.routeToFullJid(request.getFrom(), reply);
        });
    }

    private IQ info(IQ request) {
        IQ reply = IQ.createResultIQ(request);
        Element query = reply.setChildElement("query", MucXml.DISCO_INFO);
        if (request.getChildElement().attributeValue("node") != null) {
            return MucXml.iqError(request, PacketError.Condition.item_not_found);
        }
        RoomConfig config = room.config();
        query.addElement("identity").addAttribute("category", "conference").addAttribute("type", "text")
                .addAttribute("name", config.name().isEmpty() ? room.record.localpart() : config.name());
        for (String feature : features(config)) {
            query.addElement("feature").addAttribute("var", feature);
        }
        DataForms.Builder form = DataForms.result(MucXml.ROOMINFO);
        form.text("muc#roominfo_description", "Description", config.description());
        RoomRecord.Subject subject = room.record.subject();
        form.text("muc#roominfo_subject", "Subject", subject == null ? "" : subject.text());
        form.text("muc#roominfo_occupants", "Number of occupants", Integer.toString(room.byNick.size()));
        form.text("muc#roomconfig_roomname", "Name", config.name());
        form.bool("muc#roominfo_subjectmod", "Occupants may change the subject", config.changeSubject());
        form.text("muc#maxhistoryfetch", "Maximum messages of history", Integer.toString(config.historyLength()));
        query.add(form.element());
        return reply;
    }

    static java.util.List<String> features(RoomConfig config) {
        java.util.List<String> features = new java.util.ArrayList<>();
        features.add(MucXml.MUC);
        features.add(MucXml.STABLE_ID);
        features.add(config.publicRoom() ? "muc_public" : "muc_hidden");
        features.add(config.persistent() ? "muc_persistent" : "muc_temporary");
        features.add(config.membersOnly() ? "muc_membersonly" : "muc_open");
        features.add(config.moderated() ? "muc_moderated" : "muc_unmoderated");
        features.add(config.whois() == RoomConfig.Whois.ANYONE ? "muc_nonanonymous" : "muc_semianonymous");
        features.add(config.passwordProtected() ? "muc_passwordprotected" : "muc_unsecured");
        features.add(MucXml.OCCUPANT_ID);
        features.add(MucXml.STANZA_ID);
        features.add(MucXml.DISCO_INFO);
        features.add(MucXml.DISCO_ITEMS);
        features.add(MucXml.PING);
        if (config.logging()) {
            features.add(org.skein.mam.MessageArchive.NAMESPACE);
            features.add(org.skein.mam.MessageArchive.EXTENDED);
        }
        return features;
    }

    /** The occupants, for an occupant or anyone when the room is public; nothing otherwise. */
    private IQ items(IQ request) {
        IQ reply = IQ.createResultIQ(request);
        Element query = reply.setChildElement("query", MucXml.DISCO_ITEMS);
        boolean occupant = room.bySession.containsKey(request.getFrom().toString());
        if (occupant || room.config().publicRoom()) {
            for (Occupant o : room.byNick.values()) {
                query.addElement("item").addAttribute("jid", room.occupantJid(o.nick).toString()).addAttribute("name", o.nick);
            }
        }
        return reply;
    }

    /** An IQ to an occupant JID: self-ping, a request passed on to the occupant, or an answer passed back. */
    private void toOccupant(IQ iq, String nick, RoomOutput.Recipient sender, RoomOutput out) {
        Occupant requester = room.bySession.get(sender.jid().toString());
        boolean request = MucXml.isRequest(iq);
        if (!request) {
            answer(iq, nick, out);
            return;
        }
        Element child = iq.getChildElement();
        String ns = child == null ? "" : child.getNamespaceURI();
        if (requester == null) {
            boolean disco = MucXml.DISCO_INFO.equals(ns) || MucXml.DISCO_ITEMS.equals(ns);
            out.send(MucXml.iqError(iq, disco ? PacketError.Condition.bad_request : PacketError.Condition.not_acceptable), sender);
            return;
        }
        if (MucXml.PING.equals(ns) && requester.nick.equals(nick)) {
            out.send(IQ.createResultIQ(iq), sender); // XEP-0410: the client is still in the room under that nickname
            return;
        }
        Occupant target = room.byNick.get(nick);
        if (target == null) {
            out.send(MucXml.iqError(iq, PacketError.Condition.item_not_found), sender);
            return;
        }
        Occupant.Session session = target.latest();
        IQ forward = iq.createCopy();
        forward.setFrom(room.occupantJid(requester.nick));
        forward.setTo((JID) null);
        room.forwardedIqs.put(session.jid + "|" + iq.getID(), sender.jid().toString());
        out.send(forward, new RoomOutput.Recipient(session.jid, session.node));
    }

    /** A result or error from an occupant's client to an IQ the room passed on: back to who asked. */
    private void answer(IQ iq, String nick, RoomOutput out) {
        Occupant answerer = room.bySession.get(iq.getFrom().toString());
        String requesterJid = room.forwardedIqs.remove(iq.getFrom() + "|" + iq.getID());
        if (answerer == null || requesterJid == null) {
            return;
        }
        Occupant requester = room.bySession.get(requesterJid);
        if (requester == null || !requester.nick.equals(nick)) {
            return; // the requester left or changed its nickname meanwhile
        }
        IQ back = iq.createCopy();
        back.setFrom(room.occupantJid(answerer.nick));
        back.setTo((JID) null);
        Occupant.Session session = requester.session(new JID(requesterJid, true));
        out.send(back, new RoomOutput.Recipient(session.jid, session.node));
    }
}
