package org.skein.cache;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.skein.cluster.NodeID;

/**
 * Where the entries of a node's caches are kept: in this JVM (the node alone), or shared with the
 * other members of a cluster (a clustering provider's storage, {@code ClusterMember.caches()}). The
 * cache factory creates every clusterable cache through the storage in use and moves them when the
 * node joins or leaves.
 *
 * <p>Implementations are thread-safe. Creating a cache may talk to other members: the cache factory
 * never holds a lock while it does.
 */
public interface CacheStorage {

    /** A short name shown to operators: {@code local}, {@code hazelcast}. */
    String name();

    /**
     * Creates a cache. A clustered storage returns a cache whose content is shared with the other
     * members; called again for the same name (on this or another node) it gives access to the same
     * content. The cache keeps the {@link Cache} contract; where a clustered cache differs (views are
     * snapshots, a compute function may run more than once) the {@link Cache} documentation says so.
     */
    <K, V> Cache<K, V> createCache(String name, CacheSettings settings);

    /** Releases a cache this storage created on this node; a clustered storage keeps the shared content. */
    void destroyCache(Cache<?, ?> cache);

    /** Publishes this node's cache statistics so that every member can read them. */
    void publishStats(NodeID node, Collection<CacheStats> stats);

    /** The latest published cache statistics of every member. */
    Map<NodeID, List<CacheStats>> stats();

    /** Removes the statistics a node published (it left or crashed); what the senior member does. */
    default void forgetStats(NodeID node) {
    }

    /**
     * The node is about to leave the cluster for good: its caches move to local storage next, and then the
     * member stops. From here on, a storage whose listener registrations end with the member may silence
     * the listeners of its caches at once instead of undoing each registration with the other members
     * (which can wait for a member that has just left). Not called when the caches move because of a
     * split brain's merge: the member goes on and its registrations must be undone.
     */
    default void leaving() {
    }
}
