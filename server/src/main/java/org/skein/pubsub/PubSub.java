package org.skein.pubsub;

import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import org.skein.cache.CacheFactory;
import org.skein.cluster.NodeID;
import org.skein.component.LocalComponent;
import org.skein.roster.RosterManager;
import org.skein.routing.RoutingTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.JID;

/**
 * Publish-subscribe on one node, wired: the engine over the database and the node caches, the
 * notifications and their fan-out, the service at {@code pubsub.<domain>} (when enabled), the topics
 * API for plugins, and the temporary subscriptions. PEP ({@code org.skein.pep}) uses the same engine.
 *
 * <p>The node's wiring calls {@link #sessionEnded}, {@link #start}, and the cluster hooks
 * ({@link #joinedCluster}, {@link #nodeLost}).
 */
public final class PubSub {

    private static final Logger LOG = LoggerFactory.getLogger(PubSub.class);

    private final NodeDirectory directory;
    private final Fanout fanout;
    private final Notifier notifier;
    private final AccessControl access;
    private final PubSubEngine engine;
    private final ComponentService service;
    private final PubSubComponent component;
    private final TemporarySubscriptions temporary;
    private final PubSubTopics topics;
    private final String domain;

    /**
     * @param serviceDomain the domain of the publish-subscribe service, or {@code null} for none
     * @param maxItems the most items a node keeps
     */
    public PubSub(String domain, String serviceDomain, NodeID localNode, PubSubStore store, CacheFactory caches,
                  RoutingTable routingTable, RosterManager rosters, Clock clock, int maxItems) {
        this.domain = Objects.requireNonNull(domain, "domain");
        this.directory = new NodeDirectory(store, caches);
        this.fanout = new Fanout(localNode, routingTable, domain);
        this.access = new AccessControl(rosters, domain);
        this.notifier = new Notifier(fanout, routingTable, rosters, access, domain);
        this.engine = new PubSubEngine(directory, notifier, access, clock, localNode, maxItems);
        this.service = serviceDomain == null ? null : new ComponentService(serviceDomain, domain);
        this.component = service == null ? null : new PubSubComponent(service, engine, routingTable);
        this.temporary = new TemporarySubscriptions(localNode, store, directory, this::serviceOf, clock);
        engine.setTemporaryListener(temporary);
        this.topics = service == null ? null : new ServiceTopics(service, engine, temporary);
        routingTable.addLocalEndpoint(fanout.endpoint(), fanout::receive);
    }

    /** The service a stored service id names: the component's, or an account's PEP service. */
    private PubSubService serviceOf(String id) {
        if (service != null && service.id().equals(id)) {
            return service;
        }
        return new PepServiceRef(id);
    }

    /** Removes what an earlier run of this node left (temporary subscriptions of sessions that are gone). */
    public void start() {
        try {
            int removed = temporary.removeLeftovers();
            if (removed > 0) {
                LOG.info("Removed {} temporary pubsub subscriptions of sessions of an earlier run", removed);
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not remove the temporary pubsub subscriptions of an earlier run", e);
        }
    }

    public PubSubEngine engine() {
        return engine;
    }

    public Notifier notifier() {
        return notifier;
    }

    public Fanout fanout() {
        return fanout;
    }

    /** The service at {@code pubsub.<domain>} as a component to register, if enabled. */
    public Optional<LocalComponent> component() {
        return Optional.ofNullable(component);
    }

    /** The topics API for plugins, if the service is enabled. */
    public Optional<PubSubTopics> topics() {
        return Optional.ofNullable(topics);
    }

    /**
     * What the server's own {@code disco#info} lists for PEP, as servers do so that clients find it
     * there: {@code pubsub} and the {@code pubsub#...} features of every account's PEP service.
     */
    public java.util.List<String> pepFeatures() {
        java.util.List<String> features = new java.util.ArrayList<>();
        features.add(PubSubNamespaces.PUBSUB);
        for (String feature : PEP_FEATURES) {
            features.add(PubSubNamespaces.PUBSUB + "#" + feature);
        }
        return features;
    }

    /** The {@code pubsub#...} features of a PEP service (XEP-0163 section 5, and what OMEMO and OX check). */
    public static final java.util.List<String> PEP_FEATURES = java.util.List.of("access-open", "access-presence",
            "access-roster", "access-whitelist", "auto-create", "auto-subscribe", "config-node", "config-node-max",
            "create-and-configure", "create-nodes", "delete-items", "delete-nodes", "filtered-notifications", "item-ids",
            "last-published", "manage-subscriptions", "member-affiliation", "meta-data", "modify-affiliations",
            "outcast-affiliation", "persistent-items", "presence-notifications", "presence-subscribe", "publish",
            "publish-options", "publisher-affiliation", "purge-nodes", "retract-items", "retrieve-affiliations",
            "retrieve-default", "retrieve-items", "retrieve-subscriptions", "rsm", "subscribe", "subscription-options");

    /** A local session ended or went unavailable: its temporary subscriptions end. */
    public void sessionEnded(JID fullJid) {
        temporary.sessionEnded(fullJid.toString());
    }

    /**
     * This node joined a cluster (at start, or after a split brain): the cached copies are dropped (the
     * database is what every side converges to) and this node's temporary subscriptions are written
     * again where the other side removed them.
     */
    public void joinedCluster() {
        directory.clear();
        int restored = temporary.reassert();
        if (restored > 0) {
            LOG.info("Restored {} temporary pubsub subscriptions of this node's sessions after joining", restored);
        }
    }

    /** This node left its cluster: the local caches are new and empty; nothing to do but be sure. */
    public void leftCluster() {
        directory.clear();
    }

    /** Another node left or crashed; the senior member ends the temporary subscriptions of its sessions. */
    public void nodeLost(NodeID node, boolean senior) {
        if (senior) {
            int removed = temporary.nodeLost(node);
            LOG.info("Node {} is gone: ended {} temporary pubsub subscriptions of its sessions", node, removed);
        }
    }

    /** A PEP service by id, for invalidating its cached copy (only {@code id} and {@code isPep} are used). */
    private static final class PepServiceRef extends PubSubService {
        PepServiceRef(String id) {
            super(id, new JID(id, true));
        }

        @Override public boolean isPep() { return true; }
        @Override public NodeConfig defaults() { return NodeConfig.PEP_DEFAULTS; }
        @Override public boolean mayCreate(JID requester) { return false; }
        @Override public boolean autoCreates() { return false; }
        @Override public boolean instantNodes() { return false; }
        @Override public java.util.Set<String> rosterOwners(NodeState node) { return java.util.Set.of(id()); }
        @Override public java.util.List<String> features() { return java.util.List.of(); }
    }
}
