package org.skein.pubsub;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.dom4j.Element;

/**
 * A node's configuration: the {@code pubsub#node_config} fields of XEP-0060 (section 16.4.3) that Skein
 * serves. Immutable; {@link #with} makes a changed copy. Stored as {@code var=value} lines
 * ({@link #serialize()}, {@link #parse}).
 *
 * @param maxItems how many items are kept, -1 for the service's maximum ({@code max})
 * @param maxPayloadSize the largest payload accepted, in bytes
 */
public record NodeConfig(String title, String description, String payloadType, AccessModel accessModel,
                         Set<String> rosterGroupsAllowed, PublishModel publishModel, boolean persistItems,
                         int maxItems, boolean deliverPayloads, boolean deliverNotifications, boolean notifyConfig,
                         boolean notifyDelete, boolean notifyRetract, SendLastItem sendLastPublishedItem,
                         boolean presenceBasedDelivery, String notificationType, int maxPayloadSize,
                         boolean subscribe) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Who may publish (XEP-0060 {@code pubsub#publish_model}). */
    public enum PublishModel {
        PUBLISHERS, SUBSCRIBERS, OPEN;

        String xmlValue() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** When the last item goes to a new subscriber (XEP-0060 {@code pubsub#send_last_published_item}). */
    public enum SendLastItem {
        NEVER("never"), ON_SUB("on_sub"), ON_SUB_AND_PRESENCE("on_sub_and_presence");

        private final String xml;

        SendLastItem(String xml) {
            this.xml = xml;
        }

        String xmlValue() {
            return xml;
        }
    }

    /** The defaults of a node of the publish-subscribe service: open, items kept (10), last item on subscription. */
    public static final NodeConfig SERVICE_DEFAULTS = new NodeConfig("", "", "", AccessModel.OPEN, Set.of(),
            PublishModel.PUBLISHERS, true, 10, true, true, true, true, true, SendLastItem.ON_SUB, false, "headline",
            256 * 1024, true);

    /**
     * The defaults of a PEP node (XEP-0163 section 4): presence access, the last item kept and sent to
     * contacts when they come online.
     */
    public static final NodeConfig PEP_DEFAULTS = new NodeConfig("", "", "", AccessModel.PRESENCE, Set.of(),
            PublishModel.PUBLISHERS, true, 1, true, true, true, true, true, SendLastItem.ON_SUB_AND_PRESENCE, false,
            "headline", 256 * 1024, true);

    public NodeConfig {
        title = title == null ? "" : title;
        description = description == null ? "" : description;
        payloadType = payloadType == null ? "" : payloadType;
        Objects.requireNonNull(accessModel, "accessModel");
        rosterGroupsAllowed = rosterGroupsAllowed == null ? Set.of() : Set.copyOf(rosterGroupsAllowed);
        Objects.requireNonNull(publishModel, "publishModel");
        Objects.requireNonNull(sendLastPublishedItem, "sendLastPublishedItem");
        notificationType = notificationType == null ? "headline" : notificationType;
    }

    /** The fields, in the order a configuration form lists them. */
    static final List<String> FIELDS = List.of(
            "pubsub#title", "pubsub#description", "pubsub#type", "pubsub#node_type", "pubsub#access_model",
            "pubsub#roster_groups_allowed", "pubsub#publish_model", "pubsub#persist_items", "pubsub#max_items",
            "pubsub#deliver_payloads", "pubsub#deliver_notifications", "pubsub#notify_config", "pubsub#notify_delete",
            "pubsub#notify_retract", "pubsub#send_last_published_item", "pubsub#presence_based_delivery",
            "pubsub#notification_type", "pubsub#max_payload_size", "pubsub#subscribe");

    /** Whether a field is one this service knows (FORM_TYPE aside). */
    public static boolean knows(String var) {
        return FIELDS.contains(var);
    }

    /**
     * A copy with one field changed.
     *
     * @param maxItemsLimit the service's maximum of items per node ({@code max} means it)
     * @throws IllegalArgumentException if the field is unknown, read-only with another value, or the value is bad
     */
    public NodeConfig with(String var, List<String> values, int maxItemsLimit) {
        String v = values.isEmpty() ? "" : values.get(0);
        switch (var) {
            case "pubsub#title":
                return copy(b -> b.title = v);
            case "pubsub#description":
                return copy(b -> b.description = v);
            case "pubsub#type":
                return copy(b -> b.payloadType = v);
            case "pubsub#node_type":
                if (!v.isEmpty() && !"leaf".equals(v)) {
                    throw new IllegalArgumentException("only leaf nodes are offered");
                }
                return this;
            case "pubsub#access_model":
                return copy(b -> b.accessModel = AccessModel.fromXml(v));
            case "pubsub#roster_groups_allowed":
                return copy(b -> b.rosterGroupsAllowed = new TreeSet<>(values));
            case "pubsub#publish_model":
                return copy(b -> b.publishModel = enumValue(PublishModel.values(), v, PublishModel::xmlValue, var));
            case "pubsub#persist_items":
                return copy(b -> b.persistItems = bool(v, var));
            case "pubsub#max_items":
                return copy(b -> b.maxItems = maxItems(v, maxItemsLimit));
            case "pubsub#deliver_payloads":
                return copy(b -> b.deliverPayloads = bool(v, var));
            case "pubsub#deliver_notifications":
                return copy(b -> b.deliverNotifications = bool(v, var));
            case "pubsub#notify_config":
                return copy(b -> b.notifyConfig = bool(v, var));
            case "pubsub#notify_delete":
                return copy(b -> b.notifyDelete = bool(v, var));
            case "pubsub#notify_retract":
                return copy(b -> b.notifyRetract = bool(v, var));
            case "pubsub#send_last_published_item":
                return copy(b -> b.sendLast = enumValue(SendLastItem.values(), v, SendLastItem::xmlValue, var));
            case "pubsub#presence_based_delivery":
                return copy(b -> b.presenceBased = bool(v, var));
            case "pubsub#notification_type":
                if (!"headline".equals(v) && !"normal".equals(v)) {
                    throw new IllegalArgumentException(var + " is 'headline' or 'normal', not '" + v + "'");
                }
                return copy(b -> b.notificationType = v);
            case "pubsub#max_payload_size":
                return copy(b -> b.maxPayloadSize = positive(v, var));
            case "pubsub#subscribe":
                return copy(b -> b.subscribe = bool(v, var));
            default:
                throw new IllegalArgumentException("unknown field " + var);
        }
    }

    /** The value of one field as a form carries it (for publish-options preconditions). */
    public List<String> values(String var, int maxItemsLimit) {
        switch (var) {
            case "pubsub#title": return List.of(title);
            case "pubsub#description": return List.of(description);
            case "pubsub#type": return List.of(payloadType);
            case "pubsub#node_type": return List.of("leaf");
            case "pubsub#access_model": return List.of(accessModel.xmlValue());
            case "pubsub#roster_groups_allowed": return List.copyOf(new TreeSet<>(rosterGroupsAllowed));
            case "pubsub#publish_model": return List.of(publishModel.xmlValue());
            case "pubsub#persist_items": return List.of(String.valueOf(persistItems));
            case "pubsub#max_items": return List.of(maxItems < 0 ? String.valueOf(maxItemsLimit) : String.valueOf(maxItems));
            case "pubsub#deliver_payloads": return List.of(String.valueOf(deliverPayloads));
            case "pubsub#deliver_notifications": return List.of(String.valueOf(deliverNotifications));
            case "pubsub#notify_config": return List.of(String.valueOf(notifyConfig));
            case "pubsub#notify_delete": return List.of(String.valueOf(notifyDelete));
            case "pubsub#notify_retract": return List.of(String.valueOf(notifyRetract));
            case "pubsub#send_last_published_item": return List.of(sendLastPublishedItem.xmlValue());
            case "pubsub#presence_based_delivery": return List.of(String.valueOf(presenceBasedDelivery));
            case "pubsub#notification_type": return List.of(notificationType);
            case "pubsub#max_payload_size": return List.of(String.valueOf(maxPayloadSize));
            case "pubsub#subscribe": return List.of(String.valueOf(subscribe));
            default: throw new IllegalArgumentException("unknown field " + var);
        }
    }

    /**
     * Whether a precondition of publish-options (XEP-0060 section 7.1.5) holds: the node's value equals
     * the one asked for ({@code max} and the limit count as equal for {@code max_items}; booleans in
     * either spelling).
     */
    public boolean satisfies(String var, List<String> wanted, int maxItemsLimit) {
        if (!knows(var)) {
            return false;
        }
        List<String> have = values(var, maxItemsLimit);
        if ("pubsub#max_items".equals(var)) {
            String w = wanted.isEmpty() ? "" : wanted.get(0);
            int asked = "max".equals(w) ? maxItemsLimit : parseIntOr(w, Integer.MIN_VALUE);
            return asked == (maxItems < 0 ? maxItemsLimit : maxItems);
        }
        if (have.size() == 1 && ("true".equals(have.get(0)) || "false".equals(have.get(0)))) {
            String w = wanted.isEmpty() ? "" : wanted.get(0);
            return ("1".equals(w) || "true".equals(w)) == Boolean.parseBoolean(have.get(0))
                    && ("1".equals(w) || "true".equals(w) || "0".equals(w) || "false".equals(w));
        }
        if ("pubsub#roster_groups_allowed".equals(var)) {
            return new TreeSet<>(wanted).equals(new TreeSet<>(have));
        }
        return have.equals(wanted.isEmpty() ? List.of("") : List.of(wanted.get(0)));
    }

    /** Adds this configuration as a {@code pubsub#node_config} form ({@code type="form"} or {@code "result"}). */
    public Element addForm(Element parent, String type, int maxItemsLimit) {
        Element x = parent.addElement("x", PubSubNamespaces.DATA_FORMS).addAttribute("type", type);
        field(x, "FORM_TYPE", "hidden", null, List.of(PubSubNamespaces.NODE_CONFIG));
        field(x, "pubsub#title", "text-single", "A short name for the node", List.of(title));
        field(x, "pubsub#description", "text-single", "A description of the node", List.of(description));
        field(x, "pubsub#type", "text-single", "The type of the payloads", List.of(payloadType));
        field(x, "pubsub#node_type", "list-single", "leaf", List.of("leaf"));
        Element access = field(x, "pubsub#access_model", "list-single", "Who may subscribe and retrieve items",
                List.of(accessModel.xmlValue()));
        for (AccessModel model : AccessModel.values()) {
            access.addElement("option").addElement("value").setText(model.xmlValue());
        }
        field(x, "pubsub#roster_groups_allowed", "list-multi", "Roster groups allowed to subscribe",
                List.copyOf(new TreeSet<>(rosterGroupsAllowed)));
        Element publish = field(x, "pubsub#publish_model", "list-single", "Who may publish", List.of(publishModel.xmlValue()));
        for (PublishModel model : PublishModel.values()) {
            publish.addElement("option").addElement("value").setText(model.xmlValue());
        }
        field(x, "pubsub#persist_items", "boolean", "Persist items", List.of(bit(persistItems)));
        field(x, "pubsub#max_items", "text-single", "Maximum number of items to keep ('max' for "
                + maxItemsLimit + ")", List.of(maxItems < 0 ? "max" : String.valueOf(maxItems)));
        field(x, "pubsub#deliver_payloads", "boolean", "Deliver payloads with notifications", List.of(bit(deliverPayloads)));
        field(x, "pubsub#deliver_notifications", "boolean", "Deliver notifications", List.of(bit(deliverNotifications)));
        field(x, "pubsub#notify_config", "boolean", "Notify subscribers when the configuration changes", List.of(bit(notifyConfig)));
        field(x, "pubsub#notify_delete", "boolean", "Notify subscribers when the node is deleted", List.of(bit(notifyDelete)));
        field(x, "pubsub#notify_retract", "boolean", "Notify subscribers when items are removed", List.of(bit(notifyRetract)));
        Element last = field(x, "pubsub#send_last_published_item", "list-single", "When to send the last published item",
                List.of(sendLastPublishedItem.xmlValue()));
        for (SendLastItem when : SendLastItem.values()) {
            last.addElement("option").addElement("value").setText(when.xmlValue());
        }
        field(x, "pubsub#presence_based_delivery", "boolean", "Deliver only to available subscribers", List.of(bit(presenceBasedDelivery)));
        Element type2 = field(x, "pubsub#notification_type", "list-single", "Message type of notifications", List.of(notificationType));
        type2.addElement("option").addElement("value").setText("headline");
        type2.addElement("option").addElement("value").setText("normal");
        field(x, "pubsub#max_payload_size", "text-single", "Largest payload in bytes", List.of(String.valueOf(maxPayloadSize)));
        field(x, "pubsub#subscribe", "boolean", "Allow subscriptions", List.of(bit(subscribe)));
        return x;
    }

    static Element field(Element x, String var, String type, String label, List<String> values) {
        Element field = x.addElement("field").addAttribute("var", var);
        if (type != null) {
            field.addAttribute("type", type);
        }
        if (label != null) {
            field.addAttribute("label", label);
        }
        for (String value : values) {
            field.addElement("value").setText(value);
        }
        return field;
    }

    /** {@code var=value} lines, one per value (several for a multi-value field). */
    public String serialize() {
        StringBuilder s = new StringBuilder(512);
        for (String var : FIELDS) {
            if ("pubsub#node_type".equals(var)) {
                continue;
            }
            List<String> vs = "pubsub#max_items".equals(var) ? List.of(maxItems < 0 ? "max" : String.valueOf(maxItems))
                    : values(var, 0);
            for (String v : vs) {
                s.append(var).append('=').append(escape(v)).append('\n');
            }
        }
        return s.toString();
    }

    /** Reads what {@link #serialize()} wrote, over {@code defaults} (fields that are not there keep the default's). */
    public static NodeConfig parse(String text, NodeConfig defaults) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.computeIfAbsent(line.substring(0, eq), k -> new ArrayList<>()).add(unescape(line.substring(eq + 1)));
            }
        }
        NodeConfig config = defaults;
        for (Map.Entry<String, List<String>> entry : values.entrySet()) {
            if (knows(entry.getKey())) {
                try {
                    config = config.with(entry.getKey(), entry.getValue(), Integer.MAX_VALUE);
                } catch (IllegalArgumentException e) {
                    // a value stored by another version: the default stays
                }
            }
        }
        return config;
    }

    private static String bit(boolean value) {
        return value ? "1" : "0";
    }

    static boolean bool(String v, String var) {
        switch (v) {
            case "1":
            case "true":
                return true;
            case "0":
            case "false":
                return false;
            default:
                throw new IllegalArgumentException(var + " is a boolean, not '" + v + "'");
        }
    }

    private static int maxItems(String v, int limit) {
        if ("max".equals(v)) {
            return -1;
        }
        int n = parseIntOr(v, -2);
        if (n < 1) {
            throw new IllegalArgumentException("pubsub#max_items is a positive number or 'max', not '" + v + "'");
        }
        if (n > limit) {
            throw new IllegalArgumentException("pubsub#max_items is at most " + limit + ", not " + n);
        }
        return n;
    }

    private static int positive(String v, String var) {
        int n = parseIntOr(v, -1);
        if (n < 1) {
            throw new IllegalArgumentException(var + " is a positive number, not '" + v + "'");
        }
        return n;
    }

    static int parseIntOr(String v, int otherwise) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    private static <E> E enumValue(E[] options, String v, java.util.function.Function<E, String> xml, String var) {
        for (E option : options) {
            if (xml.apply(option).equals(v)) {
                return option;
            }
        }
        throw new IllegalArgumentException("'" + v + "' is not a value of " + var);
    }

    private static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r");
    }

    private static String unescape(String v) {
        StringBuilder s = new StringBuilder(v.length());
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '\\' && i + 1 < v.length()) {
                char n = v.charAt(++i);
                s.append(n == 'n' ? '\n' : n == 'r' ? '\r' : n);
            } else {
                s.append(c);
            }
        }
        return s.toString();
    }

    private NodeConfig copy(java.util.function.Consumer<Builder> change) {
        Builder b = new Builder(this);
        change.accept(b);
        return b.build();
    }

    /** A mutable copy, for {@link #with}. */
    private static final class Builder {
        String title;
        String description;
        String payloadType;
        AccessModel accessModel;
        Set<String> rosterGroupsAllowed;
        PublishModel publishModel;
        boolean persistItems;
        int maxItems;
        boolean deliverPayloads;
        boolean deliverNotifications;
        boolean notifyConfig;
        boolean notifyDelete;
        boolean notifyRetract;
        SendLastItem sendLast;
        boolean presenceBased;
        String notificationType;
        int maxPayloadSize;
        boolean subscribe;

        Builder(NodeConfig c) {
            title = c.title;
            description = c.description;
            payloadType = c.payloadType;
            accessModel = c.accessModel;
            rosterGroupsAllowed = c.rosterGroupsAllowed;
            publishModel = c.publishModel;
            persistItems = c.persistItems;
            maxItems = c.maxItems;
            deliverPayloads = c.deliverPayloads;
            deliverNotifications = c.deliverNotifications;
            notifyConfig = c.notifyConfig;
            notifyDelete = c.notifyDelete;
            notifyRetract = c.notifyRetract;
            sendLast = c.sendLastPublishedItem;
            presenceBased = c.presenceBasedDelivery;
            notificationType = c.notificationType;
            maxPayloadSize = c.maxPayloadSize;
            subscribe = c.subscribe;
        }

        NodeConfig build() {
            return new NodeConfig(title, description, payloadType, accessModel, rosterGroupsAllowed, publishModel,
                    persistItems, maxItems, deliverPayloads, deliverNotifications, notifyConfig, notifyDelete,
                    notifyRetract, sendLast, presenceBased, notificationType, maxPayloadSize, subscribe);
        }
    }
}
