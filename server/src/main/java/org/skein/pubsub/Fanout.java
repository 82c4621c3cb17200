package org.skein.pubsub;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.dom4j.Element;
import org.dom4j.QName;
import org.skein.cluster.NodeID;
import org.skein.routing.ClientRoute;
import org.skein.routing.RemotePacketRouter;
import org.skein.routing.RoutingTable;
import org.skein.session.LocalClientSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;
import org.xmpp.packet.Packet;

/**
 * Delivers one notification to many resources, crossing to each other node once.
 *
 * <p>The sending node groups the recipients' full JIDs by the node that holds their session (read from
 * the route caches). Its own recipients get the notification at once; every other node gets one
 * <em>envelope</em>: a message from the server to the node-local endpoint
 * {@code <domain>/}{@value #ENDPOINT_RESOURCE} holding the notification once and its recipients there,
 * sent through the remote packet router, so it is batched and ordered with that node's other stanzas.
 * The destination expands it ({@link #receive}): each recipient that still has a session there gets
 * the notification addressed to its full JID, through the {@link LocalDelivery} (PEP filters implicit
 * recipients by their current caps and drops events a session already has).
 *
 * <p>Thread-safe; never waits for another node.
 */
public final class Fanout {

    private static final Logger LOG = LoggerFactory.getLogger(Fanout.class);

    /** The resource of the node-local endpoint that receives envelopes. */
    public static final String ENDPOINT_RESOURCE = "pubsub-fanout";

    static final String NAMESPACE = "urn:skein:pubsub-fanout";

    /** Recipients per envelope at most: a larger group is sent as several envelopes. */
    static final int MAX_RECIPIENTS = 5000;

    /**
     * One notification.
     *
     * @param service the service it comes from (a PEP owner's bare JID, or the component's domain)
     * @param node the node
     * @param seq the node version it carries (the item's sequence number for a publication)
     * @param pep whether it is a PEP notification
     * @param item whether it announces a published item (PEP drops one a session already got)
     * @param xml the {@code <message>} without {@code to}
     */
    public record Event(String service, String node, long seq, boolean pep, boolean item, String xml) {
        public Event {
            Objects.requireNonNull(service, "service");
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(xml, "xml");
            if (!xml.startsWith("<message ")) {
                throw new IllegalArgumentException("a notification is a <message> with attributes");
            }
        }

        /** The notification addressed to one full JID. */
        public String xmlTo(String fullJid) {
            return "<message to=\"" + escape(fullJid) + "\" " + xml.substring("<message ".length());
        }
    }

    /** How a notification reaches one local session (the PEP rules, or simply the session). */
    @FunctionalInterface
    public interface LocalDelivery {
        /**
         * @param implicit the recipient was chosen for its presence subscription, not an explicit
         *        subscription: PEP delivers only if the session's caps ask for the node ({@code +notify})
         * @return whether it was delivered
         */
        boolean deliver(LocalClientSession session, Event event, boolean implicit);
    }

    private final NodeID localNode;
    private final RoutingTable routingTable;
    private final JID serverJid;
    private final JID endpoint;
    private final AtomicLong envelopes = new AtomicLong();
    private volatile LocalDelivery delivery = (session, event, implicit) -> {
        session.deliverXml(event.xmlTo(session.address().toString()));
        return true;
    };

    public Fanout(NodeID localNode, RoutingTable routingTable, String domain) {
        this.localNode = Objects.requireNonNull(localNode, "localNode");
        this.routingTable = Objects.requireNonNull(routingTable, "routingTable");
        this.serverJid = new JID(null, domain, null, true);
        this.endpoint = new JID(null, domain, ENDPOINT_RESOURCE, true);
    }

    /** Sets how notifications reach local sessions (PEP's filter). */
    public void setLocalDelivery(LocalDelivery delivery) {
        this.delivery = Objects.requireNonNull(delivery, "delivery");
    }

    /** The node-local endpoint's address. */
    public JID endpoint() {
        return endpoint;
    }

    /**
     * Sends a notification to these full JIDs (value: whether the recipient is implicit, see
     * {@link LocalDelivery}). Recipients without a route are left out.
     *
     * @return how many envelopes went to other nodes
     */
    public int send(Event event, Map<String, Boolean> recipients) {
        List<Map.Entry<String, Boolean>> local = new ArrayList<>();
        Map<NodeID, List<Map.Entry<String, Boolean>>> remote = new HashMap<>();
        for (Map.Entry<String, Boolean> recipient : recipients.entrySet()) {
            JID jid = new JID(recipient.getKey(), true);
            if (routingTable.localSession(jid) != null) {
                local.add(recipient);
                continue;
            }
            ClientRoute route = routingTable.clientRoute(jid);
            if (route == null) {
                continue;
            }
            if (route.node().equals(localNode)) {
                continue; // a route of this node without a session: it is going away
            }
            remote.computeIfAbsent(route.node(), n -> new ArrayList<>()).add(recipient);
        }
        int sent = 0;
        RemotePacketRouter router = routingTable.getRemotePacketRouter();
        if (router != null) {
            for (Map.Entry<NodeID, List<Map.Entry<String, Boolean>>> group : remote.entrySet()) {
                List<Map.Entry<String, Boolean>> all = group.getValue();
                for (int from = 0; from < all.size(); from += MAX_RECIPIENTS) {
                    Message envelope = envelope(event, all.subList(from, Math.min(all.size(), from + MAX_RECIPIENTS)));
                    if (router.routePacket(group.getKey(), endpoint, envelope)) {
                        sent++;
                    } else {
                        LOG.debug("Node {} is not reachable: {} recipients there miss a notification of {}",
                                group.getKey(), all.size(), event.node());
                    }
                }
            }
        }
        envelopes.addAndGet(sent);
        for (Map.Entry<String, Boolean> recipient : local) {
            deliverLocally(recipient.getKey(), event, recipient.getValue());
        }
        return sent;
    }

    /** How many envelopes this node has sent to other nodes since it started. */
    public long envelopesSent() {
        return envelopes.get();
    }

    private Message envelope(Event event, List<Map.Entry<String, Boolean>> recipients) {
        Message envelope = new Message();
        envelope.setType(Message.Type.headline);
        envelope.setFrom(serverJid);
        envelope.setTo(endpoint);
        Element fanout = envelope.getElement().addElement("fanout", NAMESPACE)
                .addAttribute("service", event.service()).addAttribute("node", event.node())
                .addAttribute("seq", Long.toString(event.seq()))
                .addAttribute("pep", event.pep() ? "1" : "0").addAttribute("item", event.item() ? "1" : "0");
        for (Map.Entry<String, Boolean> recipient : recipients) {
            Element r = fanout.addElement("r").addText(recipient.getKey());
            if (recipient.getValue()) {
                r.addAttribute("i", "1");
            }
        }
        fanout.addElement("event").addText(event.xml());
        return envelope;
    }

    /**
     * An envelope from another node reached this node's endpoint: its recipients here get the
     * notification. Anything else (not from the server, not an envelope) is ignored.
     */
    public void receive(Packet packet) {
        if (!(packet instanceof Message) || !serverJid.equals(packet.getFrom())) {
            return;
        }
        Element fanout = packet.getElement().element(QName.get("fanout", NAMESPACE));
        if (fanout == null) {
            return;
        }
        Event event;
        try {
            event = new Event(fanout.attributeValue("service"), fanout.attributeValue("node"),
                    Long.parseLong(fanout.attributeValue("seq")), "1".equals(fanout.attributeValue("pep")),
                    "1".equals(fanout.attributeValue("item")), fanout.elementText("event"));
        } catch (RuntimeException e) {
            LOG.warn("An unreadable pubsub envelope reached node {}: {}", localNode, e.toString());
            return;
        }
        for (Element r : fanout.elements("r")) {
            deliverLocally(r.getTextTrim(), event, "1".equals(r.attributeValue("i")));
        }
    }

    private void deliverLocally(String fullJid, Event event, boolean implicit) {
        LocalClientSession session;
        try {
            session = routingTable.localSession(new JID(fullJid, true));
        } catch (IllegalArgumentException e) {
            return;
        }
        if (session == null || session.isClosed()) {
            return; // gone meanwhile: notifications are not kept for resources that left
        }
        try {
            delivery.deliver(session, event, implicit);
        } catch (RuntimeException e) {
            LOG.warn("Delivering a notification of {} to {} failed", event.node(), fullJid, e);
        }
    }

    static String escape(String text) {
        StringBuilder s = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> s.append("&amp;");
                case '<' -> s.append("&lt;");
                case '>' -> s.append("&gt;");
                case '"' -> s.append("&quot;");
                case '\'' -> s.append("&apos;");
                default -> s.append(c);
            }
        }
        return s.toString();
    }
}
