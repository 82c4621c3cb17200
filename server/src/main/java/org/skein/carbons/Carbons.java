package org.skein.carbons;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.dom4j.Element;
import org.dom4j.QName;
import org.skein.routing.Addressing;
import org.skein.routing.ClientRoute;
import org.skein.routing.RoutingTable;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;

/**
 * Makes the copies of message carbons (XEP-0280) and routes them: a {@code <sent/>} copy of a message a
 * local user's session sent goes to the user's other carbons-enabled sessions, and a {@code <received/>}
 * copy of a message delivered to some of a user's sessions goes to the user's carbons-enabled sessions
 * that did not get it. The sessions may be on any node: the flags are read from the user's routes
 * ({@link RoutingTable#routesOf}, a near-cached read, no lock). The copy is made once and goes through
 * {@link RoutingTable#routeToFullJids}: the user's sessions on one other node get it in one crossing (one
 * entry in the batch to that node, in order with the other stanzas this node routes there), each copy
 * addressed to the session's full JID.
 *
 * <h2>Which messages are copied (XEP-0280 section 6)</h2>
 * <ul>
 *   <li>{@code chat}; {@code normal} with a {@code <body/>}; {@code normal} or {@code chat} carrying only a
 *       chat state (XEP-0085), a delivery receipt (XEP-0184) or a chat marker (XEP-0333); and {@code error}
 *       (an error a client sends answers a message it got, most likely an eligible one).</li>
 *   <li>Never {@code groupchat} or {@code headline}; never a message with {@code <private xmlns='urn:xmpp:carbons:2'/>}
 *       or the hint {@code <no-copy xmlns='urn:xmpp:hints'/>} (XEP-0334); never a message that is itself a
 *       carbon (it has a {@code <sent/>} or {@code <received/>} child); never a private message a group chat
 *       room sends to one occupant ({@code <x xmlns='http://jabber.org/protocol/muc#user'/>} from a room),
 *       since the user's other sessions are not in the room (XEP-0280 section 6, MUC).</li>
 * </ul>
 * Thread-safe and stateless.
 */
public final class Carbons {

    /** The namespace of XEP-0280, also the disco feature. */
    public static final String NAMESPACE = "urn:xmpp:carbons:2";
    /** XEP-0297, the wrapper of the copied message. */
    public static final String FORWARD = "urn:xmpp:forward:0";
    /** XEP-0334, message processing hints. */
    public static final String HINTS = "urn:xmpp:hints";
    private static final String MUC_USER = "http://jabber.org/protocol/muc#user";
    private static final QName PRIVATE = QName.get("private", NAMESPACE);
    private static final QName SENT = QName.get("sent", NAMESPACE);
    private static final QName RECEIVED = QName.get("received", NAMESPACE);
    private static final QName NO_COPY = QName.get("no-copy", HINTS);
    private static final QName BODY = QName.get("body", "jabber:client");
    private static final java.util.Set<String> IM_PAYLOADS = java.util.Set.of(
            "http://jabber.org/protocol/chatstates", "urn:xmpp:receipts", "urn:xmpp:chat-markers:0");

    private final String domain;
    private final RoutingTable routingTable;

    public Carbons(String domain, RoutingTable routingTable) {
        this.domain = Objects.requireNonNull(domain, "domain");
        this.routingTable = Objects.requireNonNull(routingTable, "routingTable");
    }

    /** Whether a message may be copied at all (see the class comment). */
    public static boolean eligible(Message message) {
        Message.Type type = message.getType();
        if (type == Message.Type.groupchat || type == Message.Type.headline) {
            return false;
        }
        Element element = message.getElement();
        if (element.element(PRIVATE) != null || element.element(NO_COPY) != null
                || element.element(SENT) != null || element.element(RECEIVED) != null) {
            return false;
        }
        if (type == Message.Type.chat || type == Message.Type.error) {
            return true;
        }
        if (element.element("body") != null || element.element(BODY) != null) {
            return true;
        }
        for (Element child : element.elements()) {
            if (IM_PAYLOADS.contains(child.getNamespaceURI())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Sends {@code <sent/>} copies of a message that a session of this server's domain sent, to the
     * sender's other carbons-enabled sessions. Nothing when the message is not eligible, when it goes
     * to the sender's own account (the {@code <received/>} copies cover that), or when the sender is
     * not a client session of this domain.
     *
     * @return how many copies were routed
     */
    public int copySent(Message message) {
        JID from = message.getFrom();
        JID to = message.getTo();
        if (from == null || from.getNode() == null || from.getResource() == null || !domain.equals(from.getDomain())
                || (to != null && from.toBareJID().equals(to.toBareJID())) || !eligible(message)) {
            return 0;
        }
        String bare = from.toBareJID();
        List<JID> targets = new ArrayList<>(2);
        for (Map.Entry<JID, ClientRoute> route : routingTable.routesOf(bare).entrySet()) {
            if (route.getValue().carbons() && !route.getKey().equals(from)) {
                targets.add(route.getKey());
            }
        }
        return send(SENT, message, bare, targets);
    }

    /**
     * Sends {@code <received/>} copies of a message for a local account to the account's carbons-enabled
     * sessions that are not among {@code deliveredTo} (and not the sender). Nothing when the message is not
     * eligible or is a group chat room's private message to an occupant.
     *
     * @param routes the account's routes, if the caller read them already; {@code null} to read them here
     * @return how many copies were routed
     */
    public int copyReceived(Message message, Collection<JID> deliveredTo, Map<JID, ClientRoute> routes) {
        JID to = message.getTo();
        if (to == null || to.getNode() == null || !domain.equals(to.getDomain()) || !eligible(message) || isRoomPrivateMessage(message)) {
            return 0;
        }
        String bare = to.toBareJID();
        Map<JID, ClientRoute> all = routes == null ? routingTable.routesOf(bare) : routes;
        List<JID> targets = new ArrayList<>(2);
        for (Map.Entry<JID, ClientRoute> route : all.entrySet()) {
            JID target = route.getKey();
            if (route.getValue().carbons() && !deliveredTo.contains(target) && !target.equals(message.getFrom())) {
                targets.add(target);
            }
        }
        return send(RECEIVED, message, bare, targets);
    }

    /** One copy, addressed to each target's full JID: the targets on one other node get it in one crossing. */
    private int send(QName direction, Message message, String bare, List<JID> targets) {
        if (targets.isEmpty()) {
            return 0;
        }
        return routingTable.routeToFullJids(targets, Addressing.TO_FULL, wrap(direction, message, bare, targets.get(0))).size();
    }

    private static boolean isRoomPrivateMessage(Message message) {
        JID from = message.getFrom();
        if (from == null || from.getResource() == null) {
            return false;
        }
        for (Element child : message.getElement().elements("x")) {
            if (MUC_USER.equals(child.getNamespaceURI())) {
                return true;
            }
        }
        return false;
    }

    /** {@code <message from=bare to=target type=...><sent|received><forwarded><message .../></forwarded></...></message>}. */
    static Message wrap(QName direction, Message original, String bare, JID target) {
        Message copy = new Message();
        copy.setFrom(new JID(bare, true));
        copy.setTo(target);
        copy.setType(original.getType());
        Element forwarded = copy.getElement().addElement(direction).addElement(QName.get("forwarded", FORWARD));
        forwarded.add(original.getElement().createCopy());
        return copy;
    }
}
