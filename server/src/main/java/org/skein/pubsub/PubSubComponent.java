package org.skein.pubsub;

import java.util.List;
import java.util.Objects;
import org.dom4j.Element;
import org.skein.component.LocalComponent;
import org.skein.routing.RoutingTable;
import org.skein.xmpp.Namespaces;
import org.xmpp.packet.IQ;
import org.xmpp.packet.Packet;
import org.xmpp.packet.PacketError;

/**
 * The publish-subscribe service (XEP-0060) at {@code pubsub.<domain>} as a {@link LocalComponent}:
 * every node registers it, a client's request is served by the node it is connected to, against the
 * database that all nodes share. Answers {@code disco#info} (the {@code pubsub/service} identity and
 * features; a node's meta-data), {@code disco#items} (the nodes; a node's items) and the {@code pubsub}
 * and {@code pubsub#owner} requests (through the {@link PubSubEngine}).
 */
final class PubSubComponent implements LocalComponent {

    /** Nodes listed in one {@code disco#items} answer at most. */
    static final int MAX_LISTED = 1000;

    private final ComponentService service;
    private final PubSubEngine engine;
    private final RoutingTable routingTable;

    PubSubComponent(ComponentService service, PubSubEngine engine, RoutingTable routingTable) {
        this.service = Objects.requireNonNull(service, "service");
        this.engine = Objects.requireNonNull(engine, "engine");
        this.routingTable = Objects.requireNonNull(routingTable, "routingTable");
    }

    @Override
    public String domain() {
        return service.id();
    }

    @Override
    public String name() {
        return "Publish-Subscribe";
    }

    ComponentService service() {
        return service;
    }

    @Override
    public void process(Packet packet) {
        if (!(packet instanceof IQ iq) || !iq.isRequest() || packet.getFrom() == null) {
            return; // messages, presences, results and errors: nothing to do
        }
        IQ reply;
        Element child = iq.getChildElement();
        String namespace = child == null ? "" : child.getNamespaceURI();
        if (iq.getTo().getNode() != null || iq.getTo().getResource() != null) {
            reply = error(iq, PacketError.Condition.service_unavailable);
        } else if (Namespaces.DISCO_INFO.equals(namespace) && iq.getType() == IQ.Type.get) {
            reply = discoInfo(iq, child.attributeValue("node"));
        } else if (Namespaces.DISCO_ITEMS.equals(namespace) && iq.getType() == IQ.Type.get) {
            reply = discoItems(iq, child.attributeValue("node"));
        } else if (PubSubNamespaces.PUBSUB.equals(namespace) || PubSubNamespaces.OWNER.equals(namespace)) {
            reply = engine.handle(iq, service);
        } else {
            reply = error(iq, PacketError.Condition.service_unavailable);
        }
        routingTable.routeToFullJid(iq.getFrom(), reply);
    }

    private IQ discoInfo(IQ request, String node) {
        IQ reply = IQ.createResultIQ(request);
        Element query = reply.setChildElement("query", Namespaces.DISCO_INFO);
        if (node == null) {
            query.addElement("identity").addAttribute("category", "pubsub").addAttribute("type", "service")
                    .addAttribute("name", name());
            query.addElement("feature").addAttribute("var", Namespaces.DISCO_INFO);
            query.addElement("feature").addAttribute("var", Namespaces.DISCO_ITEMS);
            PubSubDisco.addFeatures(query, service);
            return reply;
        }
        query.addAttribute("node", node);
        NodeState state = engine.directory().node(service, node);
        if (state == null) {
            return error(request, PacketError.Condition.item_not_found);
        }
        PubSubDisco.addNodeInfo(query, state, engine.maxItemsLimit());
        return reply;
    }

    private IQ discoItems(IQ request, String node) {
        IQ reply = IQ.createResultIQ(request);
        Element query = reply.setChildElement("query", Namespaces.DISCO_ITEMS);
        PubSubStore store = engine.directory().store();
        if (node == null) {
            for (String name : store.nodeNames(service.id(), 0, MAX_LISTED)) {
                query.addElement("item").addAttribute("jid", service.id()).addAttribute("node", name);
            }
            return reply;
        }
        query.addAttribute("node", node);
        NodeState state = engine.directory().node(service, node);
        if (state == null) {
            return error(request, PacketError.Condition.item_not_found);
        }
        if (!engine.access().mayAccess(service, state, state.config(), request.getFrom().toBareJID())) {
            return error(request, PacketError.Condition.forbidden);
        }
        List<PublishedItem> items = store.items(service.id(), node, null, MAX_LISTED);
        for (PublishedItem item : items) {
            query.addElement("item").addAttribute("jid", service.id()).addAttribute("name", item.id());
        }
        return reply;
    }

    private static IQ error(IQ request, PacketError.Condition condition) {
        return PubSubEngine.error(request, new PubSubException(condition, null, null));
    }
}
