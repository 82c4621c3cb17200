package org.skein.pubsub;

import java.io.Serializable;
import java.util.Objects;
import org.skein.cache.CacheFactory;

/**
 * The nodes of every service as the database holds them, read through clustered caches (see
 * {@link ReadThroughCache} for how writers and readers keep them right without locks):
 * <ul>
 *   <li>{@value #NODE_CACHE}: a node of the publish-subscribe service ({@code service\nnode} →
 *       {@link NodeState});</li>
 *   <li>{@value #PEP_CACHE}: all nodes of one account's PEP service with their newest items (owner's
 *       bare JID → {@link ServiceState}), read when the owner's contacts come online.</li>
 * </ul>
 * Thread-safe; reads on a miss block on the database.
 */
public final class NodeDirectory {

    public static final String NODE_CACHE = "pubsub.nodes";
    public static final String PEP_CACHE = "pep.services";

    private final PubSubStore store;
    private final ReadThroughCache<NodeState> nodes;
    private final ReadThroughCache<ServiceState> pep;

    public NodeDirectory(PubSubStore store, CacheFactory caches) {
        this.store = Objects.requireNonNull(store, "store");
        this.nodes = new ReadThroughCache<>(caches.<String, Serializable>createCache(NODE_CACHE));
        this.pep = new ReadThroughCache<>(caches.<String, Serializable>createCache(PEP_CACHE));
    }

    /** A node of a service, or {@code null}. */
    public NodeState node(PubSubService service, String node) {
        if (service.isPep()) {
            return pepState(service.id(), false).nodes().get(node);
        }
        return nodes.get(service.id() + "\n" + node, () -> store.node(service.id(), node).orElse(null));
    }

    /**
     * Every node of a PEP service with its newest items.
     *
     * @param latest read past this node's near copy (see {@link ReadThroughCache#get(String, java.util.function.Supplier, boolean)})
     */
    public ServiceState pepState(String owner, boolean latest) {
        ServiceState state = pep.get(owner, () -> {
            java.util.Map<String, NodeState> all = store.nodes(owner);
            return all.isEmpty() ? ServiceState.EMPTY : new ServiceState(all, store.lastItems(owner));
        }, latest);
        return state == null ? ServiceState.EMPTY : state;
    }

    /** A node changed in the database (committed): the next reads load it again. */
    public void changed(PubSubService service, String node) {
        if (service.isPep()) {
            pep.invalidate(service.id());
        } else {
            nodes.invalidate(service.id() + "\n" + node);
        }
    }

    /**
     * A node's items changed (publish, retract, purge): a node of the service at {@code pubsub.<domain>}
     * holds no items in its copy, a PEP service's copy holds the newest items.
     */
    public void itemsChanged(PubSubService service, String node) {
        if (service.isPep()) {
            pep.invalidate(service.id());
        }
    }

    /** Forgets every copy (after a split brain, the database is what both sides agree on). */
    public void clear() {
        nodes.clear();
        pep.clear();
    }

    public PubSubStore store() {
        return store;
    }
}
