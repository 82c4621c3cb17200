/**
 * Caches: the one way Skein keeps shared state. A {@link org.skein.cache.Cache} is a concurrent map
 * with a name, a byte budget and an entry lifetime; the node's {@link org.skein.cache.CacheFactory}
 * creates them through a pluggable {@link org.skein.cache.CacheFactoryStrategy} (local on Caffeine, or
 * clustered by a plugin) and hands out {@link org.skein.cache.CacheWrapper}s whose storage is swapped
 * atomically when the node joins or leaves a cluster.
 */
package org.skein.cache;
