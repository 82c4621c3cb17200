package org.skein.pubsub;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where pubsub services keep their nodes, affiliations, subscriptions and items: the source of truth
 * for every node of a cluster. Every write is one transaction that bumps the node's version; writes to
 * one node are serialized by the store (a row lock), never by a cluster lock. Blocks on I/O; thread-safe.
 */
public interface PubSubStore {

    /** A node of a service, with its affiliations and subscriptions. */
    Optional<NodeState> node(String service, String node);

    /** Every node of a service, by name. */
    Map<String, NodeState> nodes(String service);

    /** The newest item of every node of a service that has items, by node name. */
    Map<String, PublishedItem> lastItems(String service);

    /** The names of a service's nodes, sorted, from {@code offset}, at most {@code limit}. */
    List<String> nodeNames(String service, int offset, int limit);

    /** How many nodes a service has. */
    int nodeCount(String service);

    /**
     * Items of a node, newest first.
     *
     * @param ids only these ids ({@code null}: any)
     * @param max at most this many
     */
    List<PublishedItem> items(String service, String node, Collection<String> ids, int max);

    /**
     * A page of a node's items, newest first (XEP-0059 result set management over that order).
     *
     * @param olderThan only items published before this sequence number, or {@code null}
     * @param newerThan only items published after it (the ones closest to it), or {@code null}
     */
    List<PublishedItem> itemsPage(String service, String node, Long olderThan, Long newerThan, int max);

    /** How many items a node holds. */
    int itemCount(String service, String node);

    /**
     * Creates a node.
     *
     * @param ownerUsername the account of a PEP service (its nodes go with the account), else {@code null}
     * @param owners JIDs affiliated as owners
     * @return the new node
     * @throws PubSubException {@code conflict} if it exists
     */
    NodeState create(String service, String node, String ownerUsername, String creator, NodeConfig config,
                     long created, Collection<String> owners);

    /** Checks what a publication needs, inside its transaction, against the node as it is locked. */
    @FunctionalInterface
    interface PublishCheck {
        /**
         * @param config the node's configuration
         * @param createdNow whether this publication created the node
         * @throws PubSubException to refuse the publication (nothing is written)
         */
        void check(NodeConfig config, boolean createdNow);
    }

    /** What to create when a publication finds no node (auto-create), or {@code null} to refuse. */
    record AutoCreate(String ownerUsername, String creator, NodeConfig config, Collection<String> owners) {
    }

    /** The outcome of a publication: the item's sequence number and the node's configuration. */
    record Published(long seq, NodeConfig config, boolean created) {
    }

    /**
     * Publishes an item: stored (replacing an item with the same id) when the node persists items,
     * the oldest items beyond {@code max_items} removed, the node's version bumped (the item's
     * sequence number).
     *
     * @param limit the service's maximum of items per node (what {@code max} means)
     * @throws PubSubException {@code item-not-found} if there is no node and no auto-create, or what
     *         {@code check} throws
     */
    Published publish(String service, String node, PublishedItem item, int limit, AutoCreate autoCreate, PublishCheck check);

    /** Removes an item; returns whether it was there. */
    boolean retract(String service, String node, String itemId);

    /** Changes a node's configuration; returns the new version, or -1 if the node is gone. */
    long configure(String service, String node, NodeConfig config);

    /** Deletes a node with its items, affiliations and subscriptions; returns whether it was there. */
    boolean delete(String service, String node);

    /** Removes every item of a node; returns how many. */
    int purge(String service, String node);

    /** Sets a JID's affiliation ({@code none} removes it); returns whether the node exists. */
    boolean setAffiliation(String service, String node, String jid, Affiliation affiliation);

    /** Adds or replaces (same subid) a subscription; returns whether the node exists. */
    boolean putSubscription(String service, String node, Subscriber subscriber, long created);

    /** Removes a subscription by its id; returns whether it was there. */
    boolean removeSubscription(String service, String node, String subid);

    /** A subscription held somewhere: which service and node. */
    record Held(String service, String node, Subscriber subscriber) {
    }

    /** Every subscription of a JID (exactly this JID) in a service, or in every service ({@code service} null). */
    List<Held> subscriptionsOf(String service, String jid);

    /** Every temporary subscription of the sessions of a node ({@code pubsub#expire=presence}). */
    List<Held> temporarySubscriptions(String sessionNode);

    /** Every affiliation of a bare JID in a service: node → affiliation. */
    Map<String, Affiliation> affiliationsOf(String service, String bareJid);
}
