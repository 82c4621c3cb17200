package org.skein.cache;

import java.io.Serializable;
import org.skein.cluster.NodeID;

/**
 * A snapshot of one cache on one node, for the admin console: entries, estimated bytes against the
 * budget, lifetime, hits and misses.
 *
 * @param name the cache name
 * @param node the node the figures were taken on
 * @param entries the number of entries (on a clustered cache: the entries the node owns)
 * @param size the estimated size in bytes
 * @param maxSize the byte budget, -1 for unlimited
 * @param maxLifetime the entry lifetime in milliseconds, -1 for forever
 * @param hits reads that found a value, on this node
 * @param misses reads that found nothing, on this node
 * @param strategy the name of the strategy that holds the cache ("local", "hazelcast")
 */
public record CacheStats(String name, NodeID node, long entries, long size, long maxSize, long maxLifetime,
                         long hits, long misses, String strategy) implements Serializable {

    /** Hits as a fraction of all reads, 0 when there were no reads. */
    public double hitRate() {
        long reads = hits + misses;
        return reads == 0 ? 0.0 : (double) hits / reads;
    }

    /** The size as a fraction of the budget, 0 for an unlimited cache. */
    public double fill() {
        return maxSize <= 0 ? 0.0 : (double) size / maxSize;
    }
}
