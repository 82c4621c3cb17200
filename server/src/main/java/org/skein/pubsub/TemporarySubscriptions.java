package org.skein.pubsub;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.skein.cluster.NodeID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Subscriptions that end with the subscriber's session ({@code pubsub#expire=presence}, as the Vines
 * server dropped a JID's subscriptions at logout). The database row names the node that holds the
 * session; this node keeps an index of its own sessions' ones:
 * <ul>
 *   <li>the session ends (or goes unavailable): its rows go ({@link #sessionEnded});</li>
 *   <li>the node starts: rows left by an earlier run of this node (it crashed) go ({@link #removeLeftovers});</li>
 *   <li>another node died: the senior member removes that node's rows ({@link #nodeLost});</li>
 *   <li>after a split brain the other side may have removed this node's rows, believing it dead: the
 *       node puts them back ({@link #reassert}).</li>
 * </ul>
 * Thread-safe.
 */
final class TemporarySubscriptions implements PubSubEngine.TemporaryListener {

    private static final Logger LOG = LoggerFactory.getLogger(TemporarySubscriptions.class);

    private record Held(PubSubService service, String node, Subscriber subscriber) {
    }

    private final NodeID localNode;
    private final PubSubStore store;
    private final NodeDirectory directory;
    private final java.util.function.Function<String, PubSubService> services;
    private final java.time.Clock clock;
    /** Full JID of a local session → (service, node, subid) → its temporary subscription. */
    private final Map<String, Map<String, Held>> bySession = new ConcurrentHashMap<>();

    /**
     * @param services the service a stored service id names (the component's, or a PEP account's)
     */
    TemporarySubscriptions(NodeID localNode, PubSubStore store, NodeDirectory directory,
                           java.util.function.Function<String, PubSubService> services, java.time.Clock clock) {
        this.localNode = Objects.requireNonNull(localNode, "localNode");
        this.store = Objects.requireNonNull(store, "store");
        this.directory = Objects.requireNonNull(directory, "directory");
        this.services = Objects.requireNonNull(services, "services");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void added(PubSubService service, String node, Subscriber subscriber) {
        if (localNode.value().equals(subscriber.sessionNode())) {
            bySession.computeIfAbsent(subscriber.jid(), k -> new ConcurrentHashMap<>())
                    .put(key(service.id(), node, subscriber.subid()), new Held(service, node, subscriber));
        }
    }

    @Override
    public void removed(PubSubService service, String node, Subscriber subscriber) {
        Map<String, Held> held = bySession.get(subscriber.jid());
        if (held != null) {
            held.remove(key(service.id(), node, subscriber.subid()));
        }
    }

    /** A local session ended or went unavailable: its temporary subscriptions end. */
    void sessionEnded(String fullJid) {
        Map<String, Held> held = bySession.remove(fullJid);
        if (held == null) {
            return;
        }
        for (Held h : held.values()) {
            try {
                if (store.removeSubscription(h.service().id(), h.node(), h.subscriber().subid())) {
                    directory.changed(h.service(), h.node());
                }
            } catch (RuntimeException e) {
                LOG.warn("Could not end the temporary subscription of {} to {}", fullJid, h.node(), e);
            }
        }
    }

    /** At start: this node's rows from an earlier run belong to sessions that are gone. */
    int removeLeftovers() {
        return removeRowsOf(localNode.value());
    }

    /** Another node is gone (the senior member calls this): its sessions' temporary subscriptions end. */
    int nodeLost(NodeID node) {
        return removeRowsOf(node.value());
    }

    private int removeRowsOf(String sessionNode) {
        List<PubSubStore.Held> rows = store.temporarySubscriptions(sessionNode);
        int removed = 0;
        for (PubSubStore.Held row : rows) {
            if (store.removeSubscription(row.service(), row.node(), row.subscriber().subid())) {
                removed++;
                directory.changed(services.apply(row.service()), row.node());
            }
        }
        return removed;
    }

    /**
     * After a merge: the rows of this node's live sessions are written again where they are missing
     * (the other side's senior member may have removed them while the cluster was split).
     */
    int reassert() {
        int restored = 0;
        for (Map<String, Held> held : bySession.values()) {
            for (Held h : held.values()) {
                NodeState node = store.node(h.service().id(), h.node()).orElse(null);
                if (node == null) {
                    continue; // the node was deleted meanwhile
                }
                boolean present = node.subscribers().stream().anyMatch(s -> s.subid().equals(h.subscriber().subid()));
                if (!present && store.putSubscription(h.service().id(), h.node(), h.subscriber(), clock.millis())) {
                    directory.changed(h.service(), h.node());
                    restored++;
                }
            }
        }
        return restored;
    }

    /** How many temporary subscriptions this node's sessions hold. */
    int localCount() {
        int count = 0;
        for (Map<String, Held> held : new HashMap<>(bySession).values()) {
            count += held.size();
        }
        return count;
    }

    private static String key(String service, String node, String subid) {
        return service + "\n" + node + "\n" + subid;
    }
}
