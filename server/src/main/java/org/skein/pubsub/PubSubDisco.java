package org.skein.pubsub;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.dom4j.Element;

/** What {@code disco#info} says about a service and its nodes (XEP-0060 sections 5.1 to 5.4). */
public final class PubSubDisco {

    private PubSubDisco() {
    }

    /** Adds the service's features ({@code pubsub} and its {@code pubsub#...} features). */
    public static void addFeatures(Element query, PubSubService service) {
        query.addElement("feature").addAttribute("var", PubSubNamespaces.PUBSUB);
        for (String feature : service.features()) {
            query.addElement("feature").addAttribute("var", PubSubNamespaces.PUBSUB + "#" + feature);
        }
    }

    /** Adds a leaf node's identity and its meta-data form. */
    public static void addNodeInfo(Element query, NodeState node, int maxItemsLimit) {
        query.addElement("identity").addAttribute("category", "pubsub").addAttribute("type", "leaf");
        query.addElement("feature").addAttribute("var", PubSubNamespaces.PUBSUB);
        Element x = query.addElement("x", PubSubNamespaces.DATA_FORMS).addAttribute("type", "result");
        NodeConfig.field(x, "FORM_TYPE", "hidden", null, List.of(PubSubNamespaces.META_DATA));
        NodeConfig.field(x, "pubsub#title", null, null, List.of(node.config().title()));
        NodeConfig.field(x, "pubsub#description", null, null, List.of(node.config().description()));
        NodeConfig.field(x, "pubsub#type", null, null, List.of(node.config().payloadType()));
        NodeConfig.field(x, "pubsub#creator", "jid-single", null, List.of(node.creator()));
        NodeConfig.field(x, "pubsub#creation_date", null, null,
                List.of(DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(node.created()))));
        NodeConfig.field(x, "pubsub#access_model", null, null, List.of(node.config().accessModel().xmlValue()));
        NodeConfig.field(x, "pubsub#publish_model", null, null, node.config().values("pubsub#publish_model", maxItemsLimit));
        NodeConfig.field(x, "pubsub#max_items", null, null, node.config().values("pubsub#max_items", maxItemsLimit));
        NodeConfig.field(x, "pubsub#persist_items", "boolean", null, List.of(node.config().persistItems() ? "1" : "0"));
        NodeConfig.field(x, "pubsub#deliver_payloads", "boolean", null, List.of(node.config().deliverPayloads() ? "1" : "0"));
        List<String> owners = node.affiliations().entrySet().stream().filter(e -> e.getValue() == Affiliation.OWNER)
                .map(java.util.Map.Entry::getKey).sorted().toList();
        NodeConfig.field(x, "pubsub#owner", "jid-multi", null, owners);
    }
}
