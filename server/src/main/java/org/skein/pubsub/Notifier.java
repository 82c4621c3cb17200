package org.skein.pubsub;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.dom4j.Element;
import org.skein.roster.RosterItem;
import org.skein.roster.RosterManager;
import org.skein.roster.Subscription;
import org.skein.routing.ClientRoute;
import org.skein.routing.RoutingTable;
import org.skein.xmpp.stream.StanzaParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;

/**
 * Builds the notifications of XEP-0060 section 7 and 8 ({@code pubsub#event}: items, retractions,
 * deletion, purge, configuration) and chooses who gets them:
 * <ul>
 *   <li>every subscription in state {@code subscribed} whose options do not turn delivery off: a full
 *       JID gets it if it has a session; a bare JID on each available resource with a non-negative
 *       priority (as a headline message to a bare JID would);</li>
 *   <li>on a PEP service, also the owner's own available resources and those of every contact with a
 *       subscription to the owner's presence whom the access model lets see the node: these are
 *       <em>implicit</em> recipients, delivered only if their caps ask for the node ({@code +notify}),
 *       which the node that holds the session decides.</li>
 * </ul>
 * The notification then goes out through the {@link Fanout}: once per node. Thread-safe.
 */
public final class Notifier {

    private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);

    private final Fanout fanout;
    private final RoutingTable routingTable;
    private final RosterManager rosters;
    private final Access access;
    private final String domain;

    public Notifier(Fanout fanout, RoutingTable routingTable, RosterManager rosters, Access access, String domain) {
        this.fanout = Objects.requireNonNull(fanout, "fanout");
        this.routingTable = Objects.requireNonNull(routingTable, "routingTable");
        this.rosters = Objects.requireNonNull(rosters, "rosters");
        this.access = Objects.requireNonNull(access, "access");
        this.domain = Objects.requireNonNull(domain, "domain");
    }

    /** An item was published (or a notification without item, {@code item} null, to a transient notification-only node). */
    public void published(PubSubService service, NodeState node, NodeConfig config, long seq, PublishedItem item) {
        if (!config.deliverNotifications()) {
            return;
        }
        Message message = message(service, config);
        Element items = event(message).addElement("items").addAttribute("node", node.node());
        Element itemElement = items.addElement("item").addAttribute("id", item.id());
        if (config.deliverPayloads() && !item.payloadXml().isEmpty()) {
            itemElement.add(StanzaParser.parseElement(item.payloadXml()));
        }
        send(service, node, config, seq, true, message);
    }

    /** An item was removed. */
    public void retracted(PubSubService service, NodeState node, long seq, String itemId) {
        Message message = message(service, node.config());
        event(message).addElement("items").addAttribute("node", node.node())
                .addElement("retract").addAttribute("id", itemId);
        send(service, node, node.config(), seq, false, message);
    }

    /** The node was deleted ({@code node} as it was before). */
    public void deleted(PubSubService service, NodeState node) {
        if (!node.config().notifyDelete()) {
            return;
        }
        Message message = message(service, node.config());
        event(message).addElement("delete").addAttribute("node", node.node());
        send(service, node, node.config(), node.version() + 1, false, message);
    }

    /** Every item of the node was removed. */
    public void purged(PubSubService service, NodeState node, long seq) {
        Message message = message(service, node.config());
        event(message).addElement("purge").addAttribute("node", node.node());
        send(service, node, node.config(), seq, false, message);
    }

    /** The node's configuration changed ({@code node} with the new one). */
    public void configured(PubSubService service, NodeState node) {
        if (!node.config().notifyConfig()) {
            return;
        }
        Message message = message(service, node.config());
        Element configuration = event(message).addElement("configuration").addAttribute("node", node.node());
        if (node.config().deliverPayloads()) {
            node.config().addForm(configuration, "result", Integer.MAX_VALUE);
        }
        send(service, node, node.config(), node.version(), false, message);
    }

    /**
     * The last published item, with its publication time ({@code urn:xmpp:delay}), for one JID (a
     * new subscriber).
     */
    public Message lastItem(PubSubService service, NodeState node, PublishedItem item) {
        Message message = message(service, node.config());
        Element items = event(message).addElement("items").addAttribute("node", node.node());
        Element itemElement = items.addElement("item").addAttribute("id", item.id());
        if (node.config().deliverPayloads() && !item.payloadXml().isEmpty()) {
            itemElement.add(StanzaParser.parseElement(item.payloadXml()));
        }
        message.getElement().addElement("delay", PubSubNamespaces.DELAY)
                .addAttribute("from", service.address().toString())
                .addAttribute("stamp", DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(item.created())));
        return message;
    }

    /** Sends a message (such as {@link #lastItem}) to a JID: a full JID's session, or a bare JID's available resources. */
    public void sendTo(PubSubService service, NodeState node, long seq, Message message, String jid) {
        Map<String, Boolean> recipients = new LinkedHashMap<>();
        addResources(jid, false, recipients);
        fanout.send(new Fanout.Event(service.id(), node.node(), seq, service.isPep(), true, message.toXML()), recipients);
    }

    private Message message(PubSubService service, NodeConfig config) {
        Message message = new Message();
        message.setType("normal".equals(config.notificationType()) ? Message.Type.normal : Message.Type.headline);
        message.setFrom(service.address());
        return message;
    }

    private static Element event(Message message) {
        return message.getElement().addElement("event", PubSubNamespaces.EVENT);
    }

    private void send(PubSubService service, NodeState node, NodeConfig config, long seq, boolean item, Message message) {
        Map<String, Boolean> recipients = recipients(service, node, config);
        if (recipients.isEmpty()) {
            return;
        }
        int envelopes = fanout.send(new Fanout.Event(service.id(), node.node(), seq, service.isPep(), item, message.toXML()), recipients);
        LOG.debug("Notification of {} on {}: {} recipients, {} envelopes to other nodes", node.node(), service, recipients.size(), envelopes);
    }

    /** Full JID → implicit (true) or explicit (false). */
    Map<String, Boolean> recipients(PubSubService service, NodeState node, NodeConfig config) {
        Map<String, Boolean> recipients = new LinkedHashMap<>();
        for (Subscriber subscriber : node.subscribers()) {
            if (subscriber.isSubscribed() && delivers(subscriber)) {
                addResources(subscriber.jid(), false, recipients);
            }
        }
        if (service.isPep()) {
            String owner = service.id();
            addResources(owner, true, recipients);
            String username = new JID(owner, true).getNode();
            for (RosterItem contact : rosters.getRoster(username).items()) {
                Subscription s = contact.subscription();
                if ((s == Subscription.FROM || s == Subscription.BOTH) && isLocalUser(contact.jid())
                        && access.mayAccess(service, node, config, contact.jid())) {
                    addResources(contact.jid(), true, recipients);
                }
            }
        }
        return recipients;
    }

    /** Adds the resources of a JID (a bare JID's available ones); an explicit recipient stays explicit. */
    private void addResources(String jid, boolean implicit, Map<String, Boolean> recipients) {
        JID address;
        try {
            address = new JID(jid);
        } catch (IllegalArgumentException e) {
            return;
        }
        if (!domain.equals(address.getDomain()) || address.getNode() == null) {
            return; // no server-to-server links: only this domain's users get notifications
        }
        Consumer<String> add = full -> recipients.merge(full, implicit, (a, b) -> a && b);
        if (address.getResource() != null) {
            add.accept(address.toString());
            return;
        }
        for (Map.Entry<JID, ClientRoute> route : routingTable.routesOf(address.toBareJID()).entrySet()) {
            ClientRoute r = route.getValue();
            if (r.available() && r.priority() >= 0) {
                add.accept(route.getKey().toString());
            }
        }
    }

    private static boolean delivers(Subscriber subscriber) {
        for (String line : subscriber.options().split("\n")) {
            if (line.equals("pubsub#deliver=0") || line.equals("pubsub#deliver=false")) {
                return false;
            }
        }
        return true;
    }

    private boolean isLocalUser(String bareJid) {
        int at = bareJid.indexOf('@');
        return at > 0 && domain.equals(bareJid.substring(at + 1)) && bareJid.indexOf('/') < 0;
    }

    /** Whether a JID may see a node: the access model with the rosters of the node's owners. */
    public interface Access {
        boolean mayAccess(PubSubService service, NodeState node, NodeConfig config, String requesterBare);
    }

    static List<String> lines(String options) {
        return List.of(options.split("\n"));
    }
}
