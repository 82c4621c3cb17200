/**
 * Clustered caches: {@link org.skein.hazelcast.cache.HazelcastCacheStorage} is a member's cache storage,
 * Skein's {@link org.skein.cache.Cache} over a Hazelcast {@code IMap} ({@code ClusteredCache}) with
 * cluster-wide key locks, entry listeners told the node a change came from, per-node statistics, and
 * the statistics every node publishes for the admin console ({@code CacheStatsStore}).
 */
package org.skein.hazelcast.cache;
