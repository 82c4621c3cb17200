package org.skein.muc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.dom4j.Element;
import org.dom4j.Namespace;
import org.dom4j.QName;
import org.skein.cluster.NodeID;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;
import org.xmpp.packet.Packet;
import org.xmpp.packet.Presence;

/**
 * How the group chat services of two nodes talk: a message from the service's own domain to a room's
 * JID, carrying one {@code <l:link>} element (a namespace of Skein's, with a prefix so that the stanzas
 * inside keep their own namespaces). Clients can never send from a service's bare domain (the server
 * stamps their {@code from}), so a link from a client is impossible.
 *
 * <pre>{@code
 * <message from='conference.example.org' to='room@conference.example.org'>
 *   <l:link xmlns:l='urn:skein:muc:link:0' kind='home' target='node-2' origin='node-1' hops='0'>
 *     <l:stanza><message from='alice@example.org/phone' to='room@...' type='groupchat'>...</message></l:stanza>
 *   </l:link>
 * </message>
 *
 * <message from='conference.example.org' to='room@conference.example.org'>
 *   <l:link xmlns:l='urn:skein:muc:link:0' kind='deliver' target='node-3' seq='17'>
 *     <l:snapshot seq='17'>record, occupants, history</l:snapshot>            (a node's first unit)
 *     <l:changes><l:occupant .../><l:gone nick='...'/><l:history .../><l:record .../></l:changes>
 *     <l:send to='c@example.org/r d@example.org/r'><message from='room@.../alice' ...>...</message></l:send>
 *   </l:link>
 * </message>
 * }</pre>
 */
final class LinkCodec {

    static final String NS = "urn:skein:muc:link:0";
    private static final Namespace L = Namespace.get("l", NS);

    private LinkCodec() {
    }

    private static QName q(String name) {
        return QName.get(name, L);
    }

    /** A decoded link. */
    record Link(String kind, NodeID target, NodeID origin, int hops, long seq, Packet stanza, RoomView snapshot,
                List<Object> changes, List<RoomOutput.Send> sends) {
    }

    static Element linkOf(Packet packet) {
        return packet.getElement().element(q("link"));
    }

    static Message home(JID service, String room, NodeID target, Packet stanza, NodeID origin, int hops) {
        Message m = envelope(service, room);
        Element link = m.getElement().addElement(q("link")).addAttribute("kind", "home").addAttribute("target", target.value())
                .addAttribute("origin", origin.value()).addAttribute("hops", Integer.toString(hops));
        link.addElement(q("stanza")).add(stanza.getElement().createCopy());
        return m;
    }

    static Message deliver(JID service, String room, NodeID target, long seq, RoomView snapshot, List<Object> changes,
                           List<RoomOutput.Send> sends) {
        Message m = envelope(service, room);
        Element link = m.getElement().addElement(q("link")).addAttribute("kind", "deliver").addAttribute("target", target.value())
                .addAttribute("seq", Long.toString(seq));
        if (snapshot != null) {
            Element s = link.addElement(q("snapshot")).addAttribute("seq", Long.toString(snapshot.seq()));
            if (snapshot.record() != null) {
                record(s, snapshot.record());
            }
            for (OccupantState o : snapshot.occupants()) {
                occupant(s, o);
            }
            for (History.Entry e : snapshot.history()) {
                history(s, e);
            }
        } else if (!changes.isEmpty()) {
            Element c = link.addElement(q("changes"));
            for (Object change : changes) {
                if (change instanceof OccupantState o) {
                    occupant(c, o);
                } else if (change instanceof RoomOutput.Removal r) {
                    c.addElement(q("gone")).addAttribute("nick", r.nick());
                } else if (change instanceof History.Entry e) {
                    history(c, e);
                } else if (change instanceof RoomRecord r) {
                    record(c, r);
                }
            }
        }
        for (RoomOutput.Send send : sends) {
            StringBuilder to = new StringBuilder();
            for (RoomOutput.Recipient r : send.recipients()) {
                if (to.length() > 0) {
                    to.append(' ');
                }
                to.append(r.jid());
            }
            link.addElement(q("send")).addAttribute("to", to.toString()).add(send.stanza().getElement().createCopy());
        }
        return m;
    }

    private static Message envelope(JID service, String room) {
        Message m = new Message();
        m.setFrom(service);
        m.setTo(new JID(room, true));
        return m;
    }

    /** @throws IllegalArgumentException if the link cannot be read */
    static Link decode(Element link, NodeID localNode) {
        try {
            String kind = link.attributeValue("kind");
            NodeID target = NodeID.of(link.attributeValue("target"));
            String originValue = link.attributeValue("origin");
            NodeID origin = originValue == null ? null : NodeID.of(originValue);
            int hops = link.attributeValue("hops") == null ? 0 : Integer.parseInt(link.attributeValue("hops"));
            long seq = link.attributeValue("seq") == null ? 0 : Long.parseLong(link.attributeValue("seq"));
            Packet stanza = null;
            Element stanzaElement = link.element(q("stanza"));
            if (stanzaElement != null && !stanzaElement.elements().isEmpty()) {
                stanza = packet(stanzaElement.elements().get(0));
            }
            RoomView snapshot = null;
            Element s = link.element(q("snapshot"));
            String room = null;
            if (s != null) {
                RoomRecord record = null;
                List<OccupantState> occupants = new ArrayList<>();
                List<History.Entry> history = new ArrayList<>();
                for (Element e : s.elements()) {
                    switch (e.getName()) {
                        case "record" -> record = record(e);
                        case "occupant" -> occupants.add(occupant(e));
                        case "history" -> history.add(history(e));
                        default -> { }
                    }
                }
                snapshot = new RoomView(localNode.value(), record == null ? "" : record.room(), record, occupants, history,
                        Long.parseLong(s.attributeValue("seq")));
            }
            List<Object> changes = new ArrayList<>();
            Element c = link.element(q("changes"));
            if (c != null) {
                for (Element e : c.elements()) {
                    switch (e.getName()) {
                        case "record" -> changes.add(record(e));
                        case "occupant" -> changes.add(occupant(e));
                        case "history" -> changes.add(history(e));
                        case "gone" -> changes.add(new RoomOutput.Removal(e.attributeValue("nick")));
                        default -> { }
                    }
                }
            }
            List<RoomOutput.Send> sends = new ArrayList<>();
            for (Element send : link.elements(q("send"))) {
                if (send.elements().isEmpty()) {
                    continue;
                }
                List<RoomOutput.Recipient> recipients = new ArrayList<>();
                for (String jid : send.attributeValue("to", "").split(" ")) {
                    if (!jid.isEmpty()) {
                        recipients.add(new RoomOutput.Recipient(new JID(jid, true), localNode));
                    }
                }
                sends.add(new RoomOutput.Send(packet(send.elements().get(0)), recipients));
            }
            return new Link(kind, target, origin, hops, seq, stanza, snapshot, changes, sends);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("unreadable group chat link: " + e.getMessage(), e);
        }
    }

    private static Packet packet(Element element) {
        Element copy = element.createCopy();
        return switch (copy.getName()) {
            case "message" -> new Message(copy, true);
            case "presence" -> new Presence(copy, true);
            case "iq" -> new IQ(copy, true);
            default -> throw new IllegalArgumentException("not a stanza: " + copy.getName());
        };
    }

    // --- room state ---

    private static void record(Element parent, RoomRecord r) {
        RoomConfig c = r.config();
        Element e = parent.addElement(q("record")).addAttribute("room", r.room()).addAttribute("salt", r.salt())
                .addAttribute("created", Long.toString(r.created())).addAttribute("locked", Boolean.toString(r.locked()))
                .addAttribute("name", c.name()).addAttribute("description", c.description())
                .addAttribute("persistent", Boolean.toString(c.persistent())).addAttribute("public", Boolean.toString(c.publicRoom()))
                .addAttribute("membersOnly", Boolean.toString(c.membersOnly())).addAttribute("moderated", Boolean.toString(c.moderated()))
                .addAttribute("password", c.password()).addAttribute("maxUsers", Integer.toString(c.maxUsers()))
                .addAttribute("whois", c.whois().xmlValue()).addAttribute("changeSubject", Boolean.toString(c.changeSubject()))
                .addAttribute("allowInvites", Boolean.toString(c.allowInvites())).addAttribute("allowPm", c.allowPm().xmlValue())
                .addAttribute("logging", Boolean.toString(c.logging())).addAttribute("history", Integer.toString(c.historyLength()));
        r.affiliations().forEach((jid, a) -> e.addElement(q("aff")).addAttribute("jid", jid).addAttribute("a", a.xmlValue()));
        if (r.subject() != null) {
            e.addElement(q("subject")).addAttribute("nick", r.subject().nick()).addAttribute("stamp", Long.toString(r.subject().stamp()))
                    .setText(r.subject().text());
        }
    }

    private static RoomRecord record(Element e) {
        RoomConfig config = new RoomConfig(e.attributeValue("name"), e.attributeValue("description"), bool(e, "persistent"),
                bool(e, "public"), bool(e, "membersOnly"), bool(e, "moderated"), e.attributeValue("password"),
                Integer.parseInt(e.attributeValue("maxUsers")), RoomConfig.Whois.fromXml(e.attributeValue("whois")),
                bool(e, "changeSubject"), bool(e, "allowInvites"), RoomConfig.AllowPm.fromXml(e.attributeValue("allowPm")),
                bool(e, "logging"), Integer.parseInt(e.attributeValue("history")));
        Map<String, Affiliation> affiliations = new HashMap<>();
        for (Element a : e.elements(q("aff"))) {
            affiliations.put(a.attributeValue("jid"), Affiliation.fromXml(a.attributeValue("a")));
        }
        Element s = e.element(q("subject"));
        RoomRecord.Subject subject = s == null ? null
                : new RoomRecord.Subject(s.getText(), s.attributeValue("nick"), Long.parseLong(s.attributeValue("stamp")));
        return new RoomRecord(e.attributeValue("room"), config, affiliations, e.attributeValue("salt"),
                Long.parseLong(e.attributeValue("created")), bool(e, "locked"), subject);
    }

    private static boolean bool(Element e, String attribute) {
        return Boolean.parseBoolean(e.attributeValue(attribute));
    }

    private static void occupant(Element parent, OccupantState o) {
        Element e = parent.addElement(q("occupant")).addAttribute("nick", o.nick()).addAttribute("bare", o.bareJid())
                .addAttribute("oid", o.occupantId()).addAttribute("joined", Long.toString(o.joinedAt()))
                .addAttribute("role", o.role().xmlValue()).addAttribute("aff", o.affiliation().xmlValue());
        for (OccupantState.SessionState s : o.sessions()) {
            Element se = e.addElement(q("session")).addAttribute("jid", s.jid()).addAttribute("node", s.node());
            if (s.presenceXml() != null) {
                se.add(org.skein.xmpp.stream.StanzaParser.parseElement(s.presenceXml()));
            }
        }
    }

    private static OccupantState occupant(Element e) {
        List<OccupantState.SessionState> sessions = new ArrayList<>();
        for (Element s : e.elements(q("session"))) {
            String presence = s.elements().isEmpty() ? null : s.elements().get(0).asXML();
            sessions.add(new OccupantState.SessionState(s.attributeValue("jid"), s.attributeValue("node"), presence));
        }
        return new OccupantState(e.attributeValue("nick"), e.attributeValue("bare"), e.attributeValue("oid"),
                Long.parseLong(e.attributeValue("joined")), Role.fromXml(e.attributeValue("role")),
                Affiliation.fromXml(e.attributeValue("aff")), sessions);
    }

    private static void history(Element parent, History.Entry h) {
        Element e = parent.addElement(q("history")).addAttribute("seq", Long.toString(h.seq()))
                .addAttribute("stamp", Long.toString(h.stamp())).addAttribute("sender", h.senderJid())
                .addAttribute("chars", Integer.toString(h.chars()));
        if (h.senderId() != null) {
            e.addAttribute("sid", h.senderId());
        }
        e.add(org.skein.xmpp.stream.StanzaParser.parseElement(h.xml()));
    }

    private static History.Entry history(Element e) {
        return new History.Entry(Long.parseLong(e.attributeValue("seq")), Long.parseLong(e.attributeValue("stamp")),
                e.elements().get(0).asXML(), e.attributeValue("sender"), e.attributeValue("sid"),
                Integer.parseInt(e.attributeValue("chars")));
    }
}
