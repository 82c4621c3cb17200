package org.skein.muc;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import org.dom4j.Element;
import org.dom4j.QName;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;
import org.xmpp.packet.Packet;
import org.xmpp.packet.PacketError;
import org.xmpp.packet.Presence;

/**
 * Namespaces of group chat and the stanzas a room builds: occupants' presence with their
 * {@code muc#user} item and status codes, errors (always fresh stanzas, so their {@code error} element
 * is in the stream's namespace), delayed history.
 */
final class MucXml {

    static final String MUC = "http://jabber.org/protocol/muc";
    static final String USER = MUC + "#user";
    static final String ADMIN = MUC + "#admin";
    static final String OWNER = MUC + "#owner";
    static final String ROOMCONFIG = MUC + "#roomconfig";
    static final String ROOMINFO = MUC + "#roominfo";
    static final String STABLE_ID = MUC + "#stable_id";
    static final String REQUEST = MUC + "#request";
    static final String OCCUPANT_ID = "urn:xmpp:occupant-id:0";
    static final String STANZA_ID = "urn:xmpp:sid:0";
    static final String DATA = "jabber:x:data";
    static final String CONFERENCE = "jabber:x:conference";
    static final String DELAY = "urn:xmpp:delay";
    static final String PING = "urn:xmpp:ping";
    static final String DISCO_INFO = "http://jabber.org/protocol/disco#info";
    static final String DISCO_ITEMS = "http://jabber.org/protocol/disco#items";

    // status codes (XEP-0045 section 15.6)
    static final int NON_ANONYMOUS = 100;
    static final int AFFILIATION_CHANGED_OFFLINE = 101;
    static final int CONFIG_CHANGED = 104;
    static final int SELF = 110;
    static final int LOGGING = 170;
    static final int NOW_NON_ANONYMOUS = 172;
    static final int NOW_SEMI_ANONYMOUS = 173;
    static final int CREATED = 201;
    static final int NICK_ASSIGNED = 210;
    static final int BANNED = 301;
    static final int NEW_NICK = 303;
    static final int KICKED = 307;
    static final int REMOVED_AFFILIATION = 321;
    static final int REMOVED_MEMBERS_ONLY = 322;
    static final int SHUTDOWN = 332;
    static final int TECHNICAL = 333;

    private MucXml() {
    }

    /** Removes what a client may not put into what the room sends on its behalf: MUC payloads and ids the room stamps itself. */
    static void strip(Packet packet, String roomJid) {
        Element root = packet.getElement();
        for (Element child : List.copyOf(root.elements())) {
            String ns = child.getNamespaceURI();
            if ((("x".equals(child.getName())) && (MUC.equals(ns) || USER.equals(ns)))
                    || ("occupant-id".equals(child.getName()) && OCCUPANT_ID.equals(ns))
                    || ("stanza-id".equals(child.getName()) && STANZA_ID.equals(ns) && roomJid.equals(child.attributeValue("by")))) {
                root.remove(child);
            }
        }
    }

    /** Adds {@code <x xmlns='muc#user'>} with an item; returns the item for more attributes. */
    static Element userItem(Packet packet, Affiliation affiliation, Role role, Collection<Integer> codes) {
        Element x = packet.getElement().addElement(QName.get("x", USER));
        Element item = x.addElement("item");
        item.addAttribute("affiliation", affiliation.xmlValue());
        item.addAttribute("role", role.xmlValue());
        for (int code : new TreeSet<>(codes)) {
            x.addElement("status").addAttribute("code", Integer.toString(code));
        }
        return item;
    }

    static void occupantId(Packet packet, String id) {
        packet.getElement().addElement(QName.get("occupant-id", OCCUPANT_ID)).addAttribute("id", id);
    }

    /** An error presence back to a client, from the address it wrote to, with the request's id. */
    static Presence presenceError(Presence request, PacketError.Condition condition) {
        return presenceError(request, condition, null);
    }

    static Presence presenceError(Presence request, PacketError.Condition condition, String text) {
        Presence error = new Presence(Presence.Type.error);
        error.setID(request.getID());
        error.setFrom(request.getTo());
        error.setTo(request.getFrom());
        error.getElement().addElement(QName.get("x", MUC));
        PacketError packetError = new PacketError(condition);
        if (text != null) {
            packetError.setText(text);
        }
        error.setError(packetError);
        return error;
    }

    /**
     * An error message back to a client, with the request's id and its subject and body (a client that
     * waits for its subject change to be reflected recognises the error by the subject).
     */
    static Message messageError(Message request, PacketError.Condition condition) {
        Message error = new Message();
        error.setType(Message.Type.error);
        error.setID(request.getID());
        error.setFrom(request.getTo());
        error.setTo(request.getFrom());
        if (request.getSubject() != null) {
            error.setSubject(request.getSubject());
        }
        if (request.getBody() != null) {
            error.setBody(request.getBody());
        }
        error.setError(condition);
        return error;
    }

    /** An IQ error that carries the request's child, from the address it was sent to. */
    static IQ iqError(IQ request, PacketError.Condition condition) {
        IQ error = IQ.createResultIQ(request);
        if (request.getChildElement() != null) {
            error.setChildElement(request.getChildElement().createCopy());
        }
        error.setError(condition);
        return error;
    }

    static boolean isRequest(IQ iq) {
        return iq.getType() == IQ.Type.get || iq.getType() == IQ.Type.set;
    }

    /** Adds XEP-0203 delayed delivery information. */
    static void delay(Packet packet, String from, long stampMillis) {
        packet.getElement().addElement(QName.get("delay", DELAY))
                .addAttribute("from", from)
                .addAttribute("stamp", DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(stampMillis)));
    }

    /** The first child {@code <x xmlns=ns>} of a stanza, or {@code null}. */
    static Element x(Packet packet, String ns) {
        return packet.getElement().element(QName.get("x", ns));
    }

    static JID occupantJid(String roomJid, String nick) {
        return new JID(roomJid + "/" + nick, true);
    }
}
