/**
 * Clustered caches: Skein's {@link org.skein.cache.Cache} over a Hazelcast {@code IMap}, with
 * cluster-wide key locks, entry listeners told the node a change came from, and per-node statistics.
 */
package org.skein.hazelcast.cache;
