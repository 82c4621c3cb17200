/**
 * Caches: the one way Skein keeps shared state. A {@link org.skein.cache.Cache} is a concurrent map
 * with a name, a byte budget and an entry lifetime; the node's {@link org.skein.cache.CacheFactory}
 * creates them in a {@link org.skein.cache.CacheStorage} (local on Caffeine, or a cluster's, handed
 * over by a clustering provider) and hands out {@link org.skein.cache.CacheWrapper}s whose storage is
 * moved when the node joins or leaves a cluster: the new storage is filled outside any lock and
 * published in one swap per cache. Knows {@link org.skein.cluster.NodeID} and nothing else of the
 * node; the moves are made by the node's cluster manager through the factory's one
 * {@link org.skein.cache.CacheFactory.Switch}.
 */
package org.skein.cache;
