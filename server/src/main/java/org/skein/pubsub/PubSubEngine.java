package org.skein.pubsub;

import static org.skein.pubsub.PubSubNamespaces.DATA_FORMS;
import static org.skein.pubsub.PubSubNamespaces.OWNER;
import static org.skein.pubsub.PubSubNamespaces.PUBSUB;
import static org.skein.pubsub.PubSubNamespaces.RSM;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.dom4j.Element;
import org.dom4j.QName;
import org.skein.cluster.NodeID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;
import org.xmpp.packet.PacketError;

/**
 * The XEP-0060 protocol on one {@link PubSubService}: requests of the {@code pubsub} and
 * {@code pubsub#owner} namespaces in, replies out, changes written to the {@link PubSubStore} and the
 * {@link NodeDirectory}'s copies invalidated, notifications handed to the {@link Notifier}.
 *
 * <p>Served: create (with a configuration form; instant nodes where the service allows), configure,
 * default configuration, delete, purge, publish (with publish-options preconditions, auto-create where
 * the service allows), retract, subscribe (with options, {@code pubsub#expire=presence}), unsubscribe,
 * subscription options, items (all, by id, the newest N, result set management), an entity's
 * subscriptions and affiliations, and the owner's management of subscriptions and affiliations.
 * Collection nodes are not offered.
 *
 * <p>Every reply goes out after the change is committed: an acknowledged publication is in the
 * database. Thread-safe; blocks on the database.
 */
public final class PubSubEngine {

    private static final Logger LOG = LoggerFactory.getLogger(PubSubEngine.class);

    /** Told when a temporary subscription ({@code pubsub#expire=presence}) was made or ended. */
    public interface TemporaryListener {
        void added(PubSubService service, String node, Subscriber subscriber);

        void removed(PubSubService service, String node, Subscriber subscriber);
    }

    private final NodeDirectory directory;
    private final PubSubStore store;
    private final Notifier notifier;
    private final AccessControl access;
    private final Clock clock;
    private final NodeID localNode;
    private final int maxItemsLimit;
    private final int defaultItemsReturned;
    private volatile TemporaryListener temporary = new TemporaryListener() {
        @Override public void added(PubSubService s, String n, Subscriber sub) { }
        @Override public void removed(PubSubService s, String n, Subscriber sub) { }
    };

    /**
     * @param maxItemsLimit the most items a node keeps ({@code pubsub#max_items=max})
     */
    public PubSubEngine(NodeDirectory directory, Notifier notifier, AccessControl access, Clock clock, NodeID localNode,
                        int maxItemsLimit) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.store = directory.store();
        this.notifier = Objects.requireNonNull(notifier, "notifier");
        this.access = Objects.requireNonNull(access, "access");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.localNode = Objects.requireNonNull(localNode, "localNode");
        this.maxItemsLimit = maxItemsLimit;
        this.defaultItemsReturned = Math.min(maxItemsLimit, 1000);
    }

    public void setTemporaryListener(TemporaryListener listener) {
        this.temporary = Objects.requireNonNull(listener, "listener");
    }

    public int maxItemsLimit() {
        return maxItemsLimit;
    }

    public NodeDirectory directory() {
        return directory;
    }

    public AccessControl access() {
        return access;
    }

    // --- requests ---

    /**
     * Answers a {@code pubsub} or {@code pubsub#owner} request to the service.
     *
     * @param request a get or set with {@code from} the requester's full JID
     * @return the reply (a result or an error)
     */
    public IQ handle(IQ request, PubSubService service) {
        Element child = request.getChildElement();
        try {
            if (child == null || !"pubsub".equals(child.getName())) {
                throw PubSubException.of(PacketError.Condition.bad_request, "not a pubsub request");
            }
            if (PUBSUB.equals(child.getNamespaceURI())) {
                return entity(request, service, child);
            }
            if (OWNER.equals(child.getNamespaceURI())) {
                return owner(request, service, child);
            }
            throw PubSubException.of(PacketError.Condition.feature_not_implemented, "unknown namespace");
        } catch (PubSubException e) {
            return error(request, e);
        } catch (IllegalArgumentException e) {
            return error(request, new PubSubException(PacketError.Condition.bad_request, null, e.getMessage()));
        }
    }

    private IQ entity(IQ request, PubSubService service, Element pubsub) {
        JID requester = request.getFrom();
        boolean set = request.getType() == IQ.Type.set;
        Element first = firstChild(pubsub);
        if (first == null) {
            throw PubSubException.of(PacketError.Condition.bad_request, "empty pubsub request");
        }
        switch (first.getName()) {
            case "create":
                requireSet(set);
                return create(request, service, first, pubsub.element("configure"));
            case "publish":
                requireSet(set);
                return publish(request, service, first, pubsub.element("publish-options"));
            case "retract":
                requireSet(set);
                return retract(request, service, first);
            case "subscribe":
                requireSet(set);
                return subscribe(request, service, first, pubsub.element("options"));
            case "unsubscribe":
                requireSet(set);
                unsubscribe(service, requester, nodeName(first), jidAttribute(first, requester), first.attributeValue("subid"));
                return IQ.createResultIQ(request);
            case "options":
                return set ? setOptions(request, service, first) : getOptions(request, service, first);
            case "items":
                requireGet(set);
                return items(request, service, first, pubsub.element(QName.get("set", RSM)));
            case "subscriptions":
                requireGet(set);
                return subscriptions(request, service, first.attributeValue("node"));
            case "affiliations":
                requireGet(set);
                return affiliations(request, service, first.attributeValue("node"));
            case "default":
                requireGet(set);
                return defaultSubscriptionOptions(request, first);
            default:
                throw new PubSubException(PacketError.Condition.feature_not_implemented, "unsupported", null,
                        "<" + first.getName() + "/> is not served");
        }
    }

    private IQ owner(IQ request, PubSubService service, Element pubsub) {
        JID requester = request.getFrom();
        boolean set = request.getType() == IQ.Type.set;
        Element first = firstChild(pubsub);
        if (first == null) {
            throw PubSubException.of(PacketError.Condition.bad_request, "empty pubsub#owner request");
        }
        switch (first.getName()) {
            case "configure":
                return set ? configure(request, service, first) : configurationForm(request, service, first);
            case "default": {
                requireGet(set);
                IQ reply = IQ.createResultIQ(request);
                Element def = reply.setChildElement("pubsub", OWNER).addElement("default");
                service.defaults().addForm(def, "form", maxItemsLimit);
                return reply;
            }
            case "delete":
                requireSet(set);
                delete(service, requester, nodeName(first));
                return IQ.createResultIQ(request);
            case "purge":
                requireSet(set);
                purge(service, requester, nodeName(first));
                return IQ.createResultIQ(request);
            case "subscriptions":
                return set ? manageSubscriptions(request, service, first) : ownerSubscriptions(request, service, first);
            case "affiliations":
                return set ? manageAffiliations(request, service, first) : ownerAffiliations(request, service, first);
            default:
                throw new PubSubException(PacketError.Condition.feature_not_implemented, "unsupported", null,
                        "<" + first.getName() + "/> is not served");
        }
    }

    // --- create, configure, delete, purge ---

    private IQ create(IQ request, PubSubService service, Element create, Element configure) {
        String name = create.attributeValue("node");
        if (name == null || name.isEmpty()) {
            if (!service.instantNodes()) {
                throw new PubSubException(PacketError.Condition.not_acceptable, "nodeid-required", "a node name is required");
            }
            name = UUID.randomUUID().toString();
        }
        NodeConfig config = service.defaults();
        Element form = configure == null ? null : configure.element(QName.get("x", DATA_FORMS));
        if (form != null) {
            config = applyForm(config, form, PubSubNamespaces.NODE_CONFIG);
        }
        createNode(service, request.getFrom(), name, config);
        IQ reply = IQ.createResultIQ(request);
        reply.setChildElement("pubsub", PUBSUB).addElement("create").addAttribute("node", name);
        return reply;
    }

    /** Creates a node with the requester as owner. */
    public NodeState createNode(PubSubService service, JID requester, String name, NodeConfig config) {
        checkNodeName(name);
        if (!service.mayCreate(requester)) {
            throw PubSubException.of(PacketError.Condition.forbidden, requester + " may not create nodes on " + service.address());
        }
        NodeState created = store.create(service.id(), name, service.ownerUsername(), requester.toBareJID(), config,
                clock.millis(), Set.of(requester.toBareJID()));
        directory.changed(service, name);
        return created;
    }

    private IQ configurationForm(IQ request, PubSubService service, Element configure) {
        NodeState node = existing(service, nodeName(configure));
        requireOwner(service, node, request.getFrom());
        IQ reply = IQ.createResultIQ(request);
        Element element = reply.setChildElement("pubsub", OWNER).addElement("configure").addAttribute("node", node.node());
        node.config().addForm(element, "form", maxItemsLimit);
        return reply;
    }

    private IQ configure(IQ request, PubSubService service, Element configure) {
        Element form = configure.element(QName.get("x", DATA_FORMS));
        if (form == null) {
            throw PubSubException.of(PacketError.Condition.bad_request, "a configuration form is required");
        }
        if ("cancel".equals(form.attributeValue("type"))) {
            return IQ.createResultIQ(request);
        }
        NodeState node = existing(service, nodeName(configure));
        requireOwner(service, node, request.getFrom());
        configureNode(service, node, applyForm(node.config(), form, PubSubNamespaces.NODE_CONFIG));
        return IQ.createResultIQ(request);
    }

    /** Changes a node's configuration and notifies its subscribers if it says so. */
    public void configureNode(PubSubService service, NodeState node, NodeConfig config) {
        long version = store.configure(service.id(), node.node(), config);
        if (version < 0) {
            throw new PubSubException(PacketError.Condition.item_not_found, null, "no node '" + node.node() + "'");
        }
        directory.changed(service, node.node());
        notifier.configured(service, new NodeState(node.service(), node.node(), config, node.creator(), node.created(),
                version, node.affiliations(), node.subscribers()));
    }

    /** Deletes a node (owner only) and tells its subscribers. */
    public void delete(PubSubService service, JID requester, String name) {
        NodeState node = existing(service, name);
        requireOwner(service, node, requester);
        if (store.delete(service.id(), name)) {
            directory.changed(service, name);
            for (Subscriber subscriber : node.subscribers()) {
                if (subscriber.isTemporary()) {
                    temporary.removed(service, name, subscriber);
                }
            }
            notifier.deleted(service, node);
        }
    }

    private void purge(PubSubService service, JID requester, String name) {
        NodeState node = existing(service, name);
        requireOwner(service, node, requester);
        if (!node.config().persistItems()) {
            throw new PubSubException(PacketError.Condition.feature_not_implemented, "unsupported", "persistent-items",
                    "the node keeps no items");
        }
        store.purge(service.id(), name);
        directory.itemsChanged(service, name);
        notifier.purged(service, node, node.version() + 1);
    }

    // --- publish, retract ---

    private IQ publish(IQ request, PubSubService service, Element publish, Element publishOptions) {
        String name = nodeName(publish);
        List<Element> items = publish.elements("item");
        if (items.size() > 1) {
            throw new PubSubException(PacketError.Condition.bad_request, "invalid-payload", "one item per publication");
        }
        Element item = items.isEmpty() ? null : items.get(0);
        Map<String, List<String>> preconditions = publishOptions == null ? Map.of()
                : formFields(publishOptions.element(QName.get("x", DATA_FORMS)), PubSubNamespaces.PUBLISH_OPTIONS);
        String id = publishItem(service, request.getFrom(), name, item, preconditions);
        IQ reply = IQ.createResultIQ(request);
        Element published = reply.setChildElement("pubsub", PUBSUB).addElement("publish").addAttribute("node", name);
        if (id != null) {
            published.addElement("item").addAttribute("id", id);
        }
        return reply;
    }

    /**
     * Publishes an item (or, {@code item} null, a notification without item) and notifies.
     *
     * @param item the {@code <item/>} element (its id and payload), or {@code null}
     * @param preconditions publish-options fields the node must have (auto-created with them if missing)
     * @return the item's id, or {@code null} for a notification without item
     */
    public String publishItem(PubSubService service, JID publisher, String name, Element item,
                              Map<String, List<String>> preconditions) {
        checkNodeName(name);
        String publisherBare = publisher.toBareJID();
        NodeState before = directory.node(service, name);
        Element payload = null;
        String id = null;
        if (item != null) {
            List<Element> payloads = item.elements();
            if (payloads.size() > 1) {
                throw new PubSubException(PacketError.Condition.bad_request, "invalid-payload", "one payload per item");
            }
            payload = payloads.isEmpty() ? null : payloads.get(0);
            id = item.attributeValue("id");
            if (id == null || id.isEmpty()) {
                id = UUID.randomUUID().toString();
            }
            if (id.length() > 1023) {
                throw new PubSubException(PacketError.Condition.bad_request, null, "the item id is too long");
            }
        }
        if (before != null) {
            requireMayPublish(service, before, publisherBare);
        } else if (!service.autoCreates()) {
            throw new PubSubException(PacketError.Condition.item_not_found, null, "no node '" + name + "'");
        } else if (!service.mayCreate(publisher)) {
            throw PubSubException.of(PacketError.Condition.forbidden, publisher + " may not create nodes on " + service.address());
        }
        NodeConfig createWith = service.defaults();
        for (Map.Entry<String, List<String>> option : preconditions.entrySet()) {
            if (!NodeConfig.knows(option.getKey())) {
                throw new PubSubException(PacketError.Condition.conflict, "precondition-not-met",
                        "publish-options field " + option.getKey() + " is not known here");
            }
            try {
                createWith = createWith.with(option.getKey(), option.getValue(), maxItemsLimit);
            } catch (IllegalArgumentException e) {
                throw new PubSubException(PacketError.Condition.conflict, "precondition-not-met", e.getMessage());
            }
        }
        String payloadXml = payload == null ? "" : payload.asXML();
        boolean hasItem = item != null;
        boolean hasPayload = payload != null;
        String itemId = id;
        PubSubStore.AutoCreate autoCreate = service.autoCreates()
                ? new PubSubStore.AutoCreate(service.ownerUsername(), publisherBare, createWith, Set.of(publisherBare)) : null;
        PublishedItem stored = new PublishedItem(hasItem ? itemId : UUID.randomUUID().toString(), 0, publisherBare,
                clock.millis(), payloadXml);
        PubSubStore.Published published = store.publish(service.id(), name, stored, maxItemsLimit, autoCreate,
                (config, createdNow) -> {
                    if (!createdNow) {
                        for (Map.Entry<String, List<String>> option : preconditions.entrySet()) {
                            if (!config.satisfies(option.getKey(), option.getValue(), maxItemsLimit)) {
                                throw new PubSubException(PacketError.Condition.conflict, "precondition-not-met",
                                        option.getKey() + " of node '" + name + "' is " + config.values(option.getKey(), maxItemsLimit));
                            }
                        }
                    }
                    checkPayloadRules(config, hasItem, hasPayload, payloadXml.length());
                });
        NodeState node = before;
        if (published.created() || before == null) {
            directory.changed(service, name);
            node = directory.node(service, name);
            if (node == null) {
                return hasItem ? itemId : null; // deleted at once by someone else
            }
        } else {
            directory.itemsChanged(service, name);
        }
        notifier.published(service, node, published.config(), published.seq(),
                new PublishedItem(stored.id(), published.seq(), publisherBare, stored.created(), payloadXml));
        return hasItem ? itemId : null;
    }

    private static void checkPayloadRules(NodeConfig config, boolean hasItem, boolean hasPayload, int payloadSize) {
        boolean transientNotification = !config.persistItems() && !config.deliverPayloads();
        if (transientNotification) {
            if (hasItem) {
                throw new PubSubException(PacketError.Condition.bad_request, "item-forbidden",
                        "the node is transient and notification-only: publish without an item");
            }
            return;
        }
        if (!hasItem) {
            throw new PubSubException(PacketError.Condition.bad_request, "item-required", "the node needs an item");
        }
        if (config.deliverPayloads() && !hasPayload) {
            throw new PubSubException(PacketError.Condition.bad_request, "payload-required", "the node needs a payload");
        }
        if (payloadSize > config.maxPayloadSize()) {
            throw new PubSubException(PacketError.Condition.not_acceptable, "payload-too-big",
                    "the payload has " + payloadSize + " characters, the node takes " + config.maxPayloadSize());
        }
    }

    private void requireMayPublish(PubSubService service, NodeState node, String publisherBare) {
        Affiliation affiliation = service.affiliation(node, publisherBare);
        if (affiliation == Affiliation.OUTCAST) {
            throw PubSubException.of(PacketError.Condition.forbidden, "outcast");
        }
        if (affiliation.mayPublish()) {
            return;
        }
        switch (node.config().publishModel()) {
            case OPEN:
                return;
            case SUBSCRIBERS:
                if (node.subscribers().stream().anyMatch(s -> s.isSubscribed() && bareOf(s.jid()).equals(publisherBare))) {
                    return;
                }
                break;
            default:
                break;
        }
        throw PubSubException.of(PacketError.Condition.forbidden, publisherBare + " may not publish to '" + node.node() + "'");
    }

    private IQ retract(IQ request, PubSubService service, Element retract) {
        String name = nodeName(retract);
        List<Element> items = retract.elements("item");
        if (items.isEmpty()) {
            throw new PubSubException(PacketError.Condition.bad_request, "item-required", "which item?");
        }
        boolean notify = "true".equals(retract.attributeValue("notify")) || "1".equals(retract.attributeValue("notify"));
        for (Element item : items) {
            String id = item.attributeValue("id");
            if (id == null || id.isEmpty()) {
                throw new PubSubException(PacketError.Condition.bad_request, "item-required", "an item needs an id");
            }
            retractItem(service, request.getFrom(), name, id, notify);
        }
        return IQ.createResultIQ(request);
    }

    /** Removes an item (its publisher, or a node's owner or publisher) and notifies if asked or configured. */
    public void retractItem(PubSubService service, JID requester, String name, String id, boolean notify) {
        NodeState node = existing(service, name);
        if (!node.config().persistItems()) {
            throw new PubSubException(PacketError.Condition.feature_not_implemented, "unsupported", "persistent-items",
                    "the node keeps no items");
        }
        String requesterBare = requester.toBareJID();
        Affiliation affiliation = service.affiliation(node, requesterBare);
        if (affiliation != Affiliation.OWNER && affiliation != Affiliation.PUBLISHER) {
            List<PublishedItem> found = store.items(service.id(), name, List.of(id), 1);
            if (found.isEmpty() || !bareOf(found.get(0).publisher()).equals(requesterBare)) {
                throw PubSubException.of(PacketError.Condition.forbidden, requesterBare + " may not retract from '" + name + "'");
            }
        }
        if (!store.retract(service.id(), name, id)) {
            throw PubSubException.of(PacketError.Condition.item_not_found, "no item '" + id + "'");
        }
        directory.itemsChanged(service, name);
        if (notify || node.config().notifyRetract()) {
            notifier.retracted(service, node, node.version() + 1, id);
        }
    }

    // --- subscriptions ---

    private IQ subscribe(IQ request, PubSubService service, Element subscribe, Element options) {
        JID requester = request.getFrom();
        String name = nodeName(subscribe);
        JID jid = jidAttribute(subscribe, requester);
        Map<String, List<String>> fields = options == null ? Map.of()
                : formFields(options.element(QName.get("x", DATA_FORMS)), PubSubNamespaces.SUBSCRIBE_OPTIONS);
        Subscriber subscriber = subscribeJid(service, requester, name, jid, fields);
        IQ reply = IQ.createResultIQ(request);
        Element pubsub = reply.setChildElement("pubsub", PUBSUB);
        pubsub.addElement("subscription").addAttribute("node", name).addAttribute("jid", subscriber.jid())
                .addAttribute("subid", subscriber.subid()).addAttribute("subscription", subscriber.state());
        return reply;
    }

    /**
     * Subscribes a JID to a node (the requester's own JID, or any JID when the requester owns the node
     * or is the service itself: {@code requester} null). A JID that is subscribed already keeps its
     * subscription. With {@code pubsub#expire=presence} the subscription ends with the session of
     * {@code jid} (a full JID of a session on this node).
     */
    public Subscriber subscribeJid(PubSubService service, JID requester, String name, JID jid, Map<String, List<String>> options) {
        NodeState node = existing(service, name);
        String jidBare = jid.toBareJID();
        boolean owner = requester == null || service.affiliation(node, requester.toBareJID()) == Affiliation.OWNER;
        if (requester != null && !requester.toBareJID().equals(jidBare) && !owner) {
            throw new PubSubException(PacketError.Condition.bad_request, "invalid-jid",
                    "the JID to subscribe is not the requester's");
        }
        if (!node.config().subscribe() && !owner) {
            throw new PubSubException(PacketError.Condition.not_allowed, "closed-node", "the node takes no subscriptions");
        }
        if (requester != null && !owner && !access.mayAccess(service, node, node.config(), jidBare)) {
            PubSubException denied = switch (node.config().accessModel()) {
                case PRESENCE -> new PubSubException(PacketError.Condition.not_authorized, "presence-subscription-required",
                        "a presence subscription is required");
                case ROSTER -> new PubSubException(PacketError.Condition.not_authorized, "not-in-roster-group",
                        "a roster group is required");
                case WHITELIST -> new PubSubException(PacketError.Condition.not_allowed, "closed-node", "members only");
                default -> PubSubException.of(PacketError.Condition.forbidden, "outcast");
            };
            throw denied;
        }
        for (Subscriber existing : node.subscribers()) {
            if (existing.jid().equals(jid.toString())) {
                return existing;
            }
        }
        String optionLines = optionLines(options);
        boolean expireWithSession = options.getOrDefault("pubsub#expire", List.of()).contains("presence");
        if (expireWithSession && jid.getResource() == null) {
            throw new PubSubException(PacketError.Condition.not_acceptable, "invalid-options",
                    "pubsub#expire=presence needs a full JID");
        }
        Subscriber subscriber = new Subscriber(UUID.randomUUID().toString(), jid.toString(), "subscribed", optionLines,
                expireWithSession ? localNode.value() : null);
        if (!store.putSubscription(service.id(), name, subscriber, clock.millis())) {
            throw new PubSubException(PacketError.Condition.item_not_found, null, "no node '" + name + "'");
        }
        directory.changed(service, name);
        if (subscriber.isTemporary()) {
            temporary.added(service, name, subscriber);
        }
        sendLastItem(service, node, subscriber.jid());
        return subscriber;
    }

    private void sendLastItem(PubSubService service, NodeState node, String jid) {
        if (node.config().sendLastPublishedItem() == NodeConfig.SendLastItem.NEVER || !node.config().persistItems()) {
            return;
        }
        List<PublishedItem> last = store.items(service.id(), node.node(), null, 1);
        if (!last.isEmpty()) {
            Message message = notifier.lastItem(service, node, last.get(0));
            notifier.sendTo(service, node, last.get(0).seq(), message, jid);
        }
    }

    /**
     * Ends a JID's subscription to a node (its own, or any when the requester owns the node or is the
     * service itself: {@code requester} null).
     */
    public void unsubscribe(PubSubService service, JID requester, String name, JID jid, String subid) {
        NodeState node = existing(service, name);
        boolean owner = requester == null || service.affiliation(node, requester.toBareJID()) == Affiliation.OWNER;
        if (requester != null && !owner && !requester.toBareJID().equals(jid.toBareJID())) {
            throw new PubSubException(PacketError.Condition.bad_request, "invalid-jid", "not the requester's JID");
        }
        List<Subscriber> matching = new ArrayList<>();
        for (Subscriber s : node.subscribers()) {
            if (s.jid().equals(jid.toString()) && (subid == null || subid.equals(s.subid()))) {
                matching.add(s);
            }
        }
        if (matching.isEmpty()) {
            if (subid != null && node.subscribers().stream().anyMatch(s -> s.jid().equals(jid.toString()))) {
                throw new PubSubException(PacketError.Condition.not_acceptable, "invalid-subid", "no such subscription id");
            }
            throw new PubSubException(PacketError.Condition.unexpected_request, "not-subscribed", jid + " is not subscribed");
        }
        if (matching.size() > 1) {
            throw new PubSubException(PacketError.Condition.bad_request, "subid-required", "several subscriptions: which one?");
        }
        Subscriber gone = matching.get(0);
        store.removeSubscription(service.id(), name, gone.subid());
        directory.changed(service, name);
        if (gone.isTemporary()) {
            temporary.removed(service, name, gone);
        }
    }

    private Subscriber findSubscription(NodeState node, JID jid, String subid) {
        Subscriber found = null;
        for (Subscriber s : node.subscribers()) {
            if (s.jid().equals(jid.toString()) && (subid == null || subid.equals(s.subid()))) {
                if (found != null) {
                    throw new PubSubException(PacketError.Condition.bad_request, "subid-required", "several subscriptions");
                }
                found = s;
            }
        }
        if (found == null) {
            throw new PubSubException(PacketError.Condition.unexpected_request, "not-subscribed", jid + " is not subscribed");
        }
        return found;
    }

    private IQ getOptions(IQ request, PubSubService service, Element options) {
        NodeState node = existing(service, nodeName(options));
        JID jid = jidAttribute(options, request.getFrom());
        requireSelfOrOwner(service, node, request.getFrom(), jid);
        Subscriber subscriber = findSubscription(node, jid, options.attributeValue("subid"));
        IQ reply = IQ.createResultIQ(request);
        Element element = reply.setChildElement("pubsub", PUBSUB).addElement("options").addAttribute("node", node.node())
                .addAttribute("jid", subscriber.jid()).addAttribute("subid", subscriber.subid());
        subscriptionOptionsForm(element, "form", subscriber.options());
        return reply;
    }

    private IQ setOptions(IQ request, PubSubService service, Element options) {
        NodeState node = existing(service, nodeName(options));
        JID jid = jidAttribute(options, request.getFrom());
        requireSelfOrOwner(service, node, request.getFrom(), jid);
        Subscriber subscriber = findSubscription(node, jid, options.attributeValue("subid"));
        Map<String, List<String>> fields = formFields(options.element(QName.get("x", DATA_FORMS)), PubSubNamespaces.SUBSCRIBE_OPTIONS);
        Subscriber changed = new Subscriber(subscriber.subid(), subscriber.jid(), subscriber.state(), optionLines(fields),
                subscriber.sessionNode());
        store.putSubscription(service.id(), node.node(), changed, clock.millis());
        directory.changed(service, node.node());
        return IQ.createResultIQ(request);
    }

    private IQ defaultSubscriptionOptions(IQ request, Element def) {
        IQ reply = IQ.createResultIQ(request);
        Element element = reply.setChildElement("pubsub", PUBSUB).addElement("default");
        if (def.attributeValue("node") != null) {
            element.addAttribute("node", def.attributeValue("node"));
        }
        subscriptionOptionsForm(element, "form", "");
        return reply;
    }

    private static void subscriptionOptionsForm(Element parent, String type, String lines) {
        boolean deliver = !lines.contains("pubsub#deliver=0") && !lines.contains("pubsub#deliver=false");
        boolean temporary = lines.contains("pubsub#expire=presence");
        Element x = parent.addElement("x", DATA_FORMS).addAttribute("type", type);
        NodeConfig.field(x, "FORM_TYPE", "hidden", null, List.of(PubSubNamespaces.SUBSCRIBE_OPTIONS));
        NodeConfig.field(x, "pubsub#deliver", "boolean", "Enable delivery?", List.of(deliver ? "1" : "0"));
        // a text field without value means a lasting subscription
        NodeConfig.field(x, "pubsub#expire", "text-single", "'presence': end the subscription when the session ends",
                temporary ? List.of("presence") : List.of());
    }

    private IQ subscriptions(IQ request, PubSubService service, String onlyNode) {
        JID requester = request.getFrom();
        IQ reply = IQ.createResultIQ(request);
        Element list = reply.setChildElement("pubsub", PUBSUB).addElement("subscriptions");
        if (onlyNode != null) {
            list.addAttribute("node", onlyNode);
        }
        for (PubSubStore.Held held : subscriptionsOfUser(service, requester)) {
            if (onlyNode == null || onlyNode.equals(held.node())) {
                list.addElement("subscription").addAttribute("node", held.node()).addAttribute("jid", held.subscriber().jid())
                        .addAttribute("subid", held.subscriber().subid()).addAttribute("subscription", held.subscriber().state());
            }
        }
        return reply;
    }

    /** The subscriptions of a user (its bare JID and every full JID of it) in a service. */
    public List<PubSubStore.Held> subscriptionsOfUser(PubSubService service, JID user) {
        List<PubSubStore.Held> all = new ArrayList<>(store.subscriptionsOf(service.id(), user.toBareJID()));
        if (user.getResource() != null) {
            all.addAll(store.subscriptionsOf(service.id(), user.toString()));
        }
        return all;
    }

    private IQ affiliations(IQ request, PubSubService service, String onlyNode) {
        String requesterBare = request.getFrom().toBareJID();
        IQ reply = IQ.createResultIQ(request);
        Element list = reply.setChildElement("pubsub", PUBSUB).addElement("affiliations");
        if (onlyNode != null) {
            list.addAttribute("node", onlyNode);
        }
        Map<String, Affiliation> affiliations;
        if (service.isPep() && service.id().equals(requesterBare)) {
            affiliations = new LinkedHashMap<>();
            for (String node : directory.pepState(service.id(), false).nodes().keySet()) {
                affiliations.put(node, Affiliation.OWNER);
            }
        } else {
            affiliations = store.affiliationsOf(service.id(), requesterBare);
        }
        for (Map.Entry<String, Affiliation> entry : affiliations.entrySet()) {
            if (onlyNode == null || onlyNode.equals(entry.getKey())) {
                list.addElement("affiliation").addAttribute("node", entry.getKey())
                        .addAttribute("affiliation", entry.getValue().xmlValue());
            }
        }
        return reply;
    }

    private IQ ownerSubscriptions(IQ request, PubSubService service, Element subscriptions) {
        NodeState node = existing(service, nodeName(subscriptions));
        requireOwner(service, node, request.getFrom());
        IQ reply = IQ.createResultIQ(request);
        Element list = reply.setChildElement("pubsub", OWNER).addElement("subscriptions").addAttribute("node", node.node());
        for (Subscriber s : node.subscribers()) {
            list.addElement("subscription").addAttribute("jid", s.jid()).addAttribute("subscription", s.state())
                    .addAttribute("subid", s.subid());
        }
        return reply;
    }

    private IQ manageSubscriptions(IQ request, PubSubService service, Element subscriptions) {
        NodeState node = existing(service, nodeName(subscriptions));
        requireOwner(service, node, request.getFrom());
        for (Element change : subscriptions.elements("subscription")) {
            JID jid = new JID(Objects.requireNonNull(change.attributeValue("jid"), "a subscription needs a jid"));
            String state = change.attributeValue("subscription");
            if ("none".equals(state)) {
                for (Subscriber s : node.subscribers()) {
                    if (s.jid().equals(jid.toString()) && (change.attributeValue("subid") == null
                            || change.attributeValue("subid").equals(s.subid()))) {
                        store.removeSubscription(service.id(), node.node(), s.subid());
                        if (s.isTemporary()) {
                            temporary.removed(service, node.node(), s);
                        }
                    }
                }
            } else if ("subscribed".equals(state)) {
                Subscriber existing = node.subscribers().stream().filter(s -> s.jid().equals(jid.toString())).findFirst().orElse(null);
                Subscriber subscriber = existing != null ? new Subscriber(existing.subid(), existing.jid(), "subscribed",
                        existing.options(), existing.sessionNode())
                        : new Subscriber(UUID.randomUUID().toString(), jid.toString(), "subscribed", "", null);
                store.putSubscription(service.id(), node.node(), subscriber, clock.millis());
            } else {
                throw PubSubException.of(PacketError.Condition.bad_request, "unsupported subscription state " + state);
            }
        }
        directory.changed(service, node.node());
        return IQ.createResultIQ(request);
    }

    private IQ ownerAffiliations(IQ request, PubSubService service, Element affiliations) {
        NodeState node = existing(service, nodeName(affiliations));
        requireOwner(service, node, request.getFrom());
        IQ reply = IQ.createResultIQ(request);
        Element list = reply.setChildElement("pubsub", OWNER).addElement("affiliations").addAttribute("node", node.node());
        Map<String, Affiliation> all = new LinkedHashMap<>(node.affiliations());
        if (service.isPep()) {
            all.put(service.id(), Affiliation.OWNER);
        }
        for (Map.Entry<String, Affiliation> entry : all.entrySet()) {
            list.addElement("affiliation").addAttribute("jid", entry.getKey()).addAttribute("affiliation", entry.getValue().xmlValue());
        }
        return reply;
    }

    private IQ manageAffiliations(IQ request, PubSubService service, Element affiliations) {
        NodeState node = existing(service, nodeName(affiliations));
        requireOwner(service, node, request.getFrom());
        for (Element change : affiliations.elements("affiliation")) {
            JID jid = new JID(Objects.requireNonNull(change.attributeValue("jid"), "an affiliation needs a jid"));
            Affiliation affiliation = Affiliation.fromXml(change.attributeValue("affiliation"));
            if (service.isPep() && jid.toBareJID().equals(service.id())) {
                continue; // the account owns its PEP nodes whatever is stored
            }
            store.setAffiliation(service.id(), node.node(), jid.toBareJID(), affiliation);
        }
        directory.changed(service, node.node());
        return IQ.createResultIQ(request);
    }

    // --- items ---

    private IQ items(IQ request, PubSubService service, Element items, Element rsm) {
        NodeState node = existing(service, nodeName(items));
        String requesterBare = request.getFrom().toBareJID();
        if (!access.mayAccess(service, node, node.config(), requesterBare)) {
            throw switch (node.config().accessModel()) {
                case PRESENCE -> new PubSubException(PacketError.Condition.not_authorized, "presence-subscription-required",
                        "a presence subscription is required");
                case ROSTER -> new PubSubException(PacketError.Condition.not_authorized, "not-in-roster-group",
                        "a roster group is required");
                case WHITELIST -> new PubSubException(PacketError.Condition.not_allowed, "closed-node", "members only");
                default -> PubSubException.of(PacketError.Condition.forbidden, "outcast");
            };
        }
        if (!node.config().persistItems()) {
            throw new PubSubException(PacketError.Condition.feature_not_implemented, "unsupported", "persistent-items",
                    "the node keeps no items");
        }
        List<String> ids = new ArrayList<>();
        for (Element item : items.elements("item")) {
            if (item.attributeValue("id") != null) {
                ids.add(item.attributeValue("id"));
            }
        }
        int max = defaultItemsReturned;
        String maxItems = items.attributeValue("max_items");
        if (maxItems != null) {
            max = NodeConfig.parseIntOr(maxItems, -1);
            if (max < 0) {
                throw PubSubException.of(PacketError.Condition.bad_request, "max_items is a number");
            }
        }
        IQ reply = IQ.createResultIQ(request);
        Element pubsub = reply.setChildElement("pubsub", PUBSUB);
        Element list = pubsub.addElement("items").addAttribute("node", node.node());
        List<PublishedItem> found;
        Element set = null;
        if (!ids.isEmpty()) {
            found = store.items(service.id(), node.node(), ids, ids.size());
        } else if (rsm != null) {
            int pageMax = rsm.element("max") == null ? max : Math.min(max, NodeConfig.parseIntOr(rsm.elementText("max"), max));
            Element after = rsm.element("after");
            Element before = rsm.element("before");
            Long olderThan = after == null ? null : seqOf(service, node, after.getTextTrim());
            Long newerThan = null;
            if (before != null) {
                newerThan = before.getTextTrim().isEmpty() ? Long.valueOf(-1) : seqOf(service, node, before.getTextTrim());
            }
            found = store.itemsPage(service.id(), node.node(), olderThan, newerThan, Math.max(0, pageMax));
            set = pubsub.addElement("set", RSM);
            if (!found.isEmpty()) {
                set.addElement("first").setText(found.get(0).id());
                set.addElement("last").setText(found.get(found.size() - 1).id());
            }
            set.addElement("count").setText(String.valueOf(store.itemCount(service.id(), node.node())));
        } else {
            found = store.items(service.id(), node.node(), null, max);
        }
        for (PublishedItem item : found) {
            Element element = list.addElement("item").addAttribute("id", item.id());
            if (!item.payloadXml().isEmpty()) {
                element.add(org.skein.xmpp.stream.StanzaParser.parseElement(item.payloadXml()));
            }
        }
        if (set != null) {
            set.detach();
            pubsub.add(set);
        }
        return reply;
    }

    private Long seqOf(PubSubService service, NodeState node, String itemId) {
        List<PublishedItem> item = store.items(service.id(), node.node(), List.of(itemId), 1);
        if (item.isEmpty()) {
            throw PubSubException.of(PacketError.Condition.item_not_found, "no item '" + itemId + "' to page from");
        }
        return item.get(0).seq();
    }

    // --- helpers ---

    /** A node that exists, or {@code item-not-found}. */
    public NodeState existing(PubSubService service, String name) {
        NodeState node = directory.node(service, name);
        if (node == null) {
            throw PubSubException.of(PacketError.Condition.item_not_found, "no node '" + name + "' on " + service.address());
        }
        return node;
    }

    private static void requireOwner(PubSubService service, NodeState node, JID requester) {
        if (requester != null && service.affiliation(node, requester.toBareJID()) != Affiliation.OWNER) {
            throw PubSubException.of(PacketError.Condition.forbidden, "only an owner of '" + node.node() + "' may do that");
        }
    }

    private static void requireSelfOrOwner(PubSubService service, NodeState node, JID requester, JID jid) {
        if (!requester.toBareJID().equals(jid.toBareJID()) && service.affiliation(node, requester.toBareJID()) != Affiliation.OWNER) {
            throw PubSubException.of(PacketError.Condition.forbidden, "not the requester's subscription");
        }
    }

    private static void requireSet(boolean set) {
        if (!set) {
            throw PubSubException.of(PacketError.Condition.bad_request, "this request is a set");
        }
    }

    private static void requireGet(boolean set) {
        if (set) {
            throw PubSubException.of(PacketError.Condition.bad_request, "this request is a get");
        }
    }

    private static String nodeName(Element element) {
        String node = element.attributeValue("node");
        if (node == null || node.isEmpty()) {
            throw new PubSubException(PacketError.Condition.bad_request, "nodeid-required", "a node is required");
        }
        return node;
    }

    private static void checkNodeName(String name) {
        if (name.length() > 1023) {
            throw PubSubException.of(PacketError.Condition.not_acceptable, "the node name is too long");
        }
    }

    private static JID jidAttribute(Element element, JID requester) {
        String jid = element.attributeValue("jid");
        if (jid == null || jid.isEmpty()) {
            return requester;
        }
        try {
            return new JID(jid);
        } catch (IllegalArgumentException e) {
            throw new PubSubException(PacketError.Condition.bad_request, "invalid-jid", "not a JID: " + jid);
        }
    }

    private static Element firstChild(Element pubsub) {
        for (Element child : pubsub.elements()) {
            if (!("configure".equals(child.getName()) && pubsub.element("create") != null)
                    && !"publish-options".equals(child.getName())
                    && !("options".equals(child.getName()) && pubsub.element("subscribe") != null)
                    && !("set".equals(child.getName()) && RSM.equals(child.getNamespaceURI()))) {
                return child;
            }
        }
        return null;
    }

    private NodeConfig applyForm(NodeConfig config, Element form, String formType) {
        NodeConfig changed = config;
        for (Map.Entry<String, List<String>> field : formFields(form, formType).entrySet()) {
            if (!NodeConfig.knows(field.getKey())) {
                continue; // fields this service does not offer are left as they are
            }
            try {
                changed = changed.with(field.getKey(), field.getValue(), maxItemsLimit);
            } catch (IllegalArgumentException e) {
                throw new PubSubException(PacketError.Condition.not_acceptable, null, e.getMessage());
            }
        }
        return changed;
    }

    /** The fields of a submitted form (FORM_TYPE checked, then left out). */
    static Map<String, List<String>> formFields(Element form, String formType) {
        Map<String, List<String>> fields = new LinkedHashMap<>();
        if (form == null) {
            return fields;
        }
        for (Element field : form.elements(QName.get("field", DATA_FORMS))) {
            String var = field.attributeValue("var");
            if (var == null) {
                continue;
            }
            List<String> values = new ArrayList<>();
            for (Element value : field.elements(QName.get("value", DATA_FORMS))) {
                values.add(value.getText());
            }
            if ("FORM_TYPE".equals(var)) {
                if (!values.isEmpty() && !values.contains(formType)) {
                    throw PubSubException.of(PacketError.Condition.bad_request, "the form is not a " + formType + " form");
                }
                continue;
            }
            fields.put(var, values);
        }
        return fields;
    }

    private static String optionLines(Map<String, List<String>> options) {
        StringBuilder s = new StringBuilder();
        for (Map.Entry<String, List<String>> option : options.entrySet()) {
            for (String value : option.getValue()) {
                s.append(option.getKey()).append('=').append(value.replace('\n', ' ')).append('\n');
            }
        }
        return s.toString();
    }

    static String bareOf(String jid) {
        int slash = jid.indexOf('/');
        return slash < 0 ? jid : jid.substring(0, slash);
    }

    /** An error reply with the stanza condition and the pubsub-specific one. */
    public static IQ error(IQ request, PubSubException e) {
        IQ reply = IQ.createResultIQ(request);
        if (request.getChildElement() != null) {
            reply.setChildElement(request.getChildElement().createCopy());
        }
        PacketError error = new PacketError(e.condition());
        if (e.getMessage() != null) {
            error.setText(e.getMessage());
        }
        reply.setError(error);
        if (e.pubsubCondition() != null) {
            Element condition = reply.getElement().element("error").addElement(e.pubsubCondition(), PubSubNamespaces.ERRORS);
            if (e.feature() != null) {
                condition.addAttribute("feature", e.feature());
            }
        }
        LOG.debug("{} answered {} with {} ({})", request.getTo(), request.getFrom(), e.condition(), e.getMessage());
        return reply;
    }

    /** The last item of a node, if it keeps items. */
    public Optional<PublishedItem> lastItem(PubSubService service, String node) {
        List<PublishedItem> last = store.items(service.id(), node, null, 1);
        return last.isEmpty() ? Optional.empty() : Optional.of(last.get(0));
    }
}
