package org.skein.cache;

import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.Lock;

/**
 * A named concurrent map with a byte budget and an entry lifetime: the one way Skein keeps shared
 * state, so that the same code runs on one node (local caches) and across a cluster (caches on the
 * clustering plugin's distributed maps). Create caches through the node's {@link CacheFactory}, which
 * hands out a {@link CacheWrapper}: hold on to it, it stays valid when the node joins or leaves a
 * cluster.
 *
 * <h2>Map semantics</h2>
 * <ul>
 *   <li>Keys and values must not be {@code null} ({@link NullPointerException}).</li>
 *   <li>Single-key operations are atomic, on a local cache and across a cluster alike:
 *       {@code putIfAbsent}, {@code replace}, {@code remove(key, value)}, and the {@code compute} family
 *       ({@code compute}, {@code computeIfAbsent}, {@code computeIfPresent}, {@code merge}). A clustered
 *       cache builds the compute family on the conditional writes and retries when another writer came
 *       first, so its function may run more than once: it must be free of side effects and must not
 *       write to the same cache. Guard longer read-modify-write sequences with {@link #getLock(Object)}.</li>
 *   <li>{@link #keySet()}, {@link #values()} and {@link #entrySet()} are read-only. A local cache
 *       returns live views; a clustered cache may return snapshots ({@link #policy()}).</li>
 *   <li>Clustered caches store serialized copies: keys and values must be {@link java.io.Serializable},
 *       and changing a value after {@code put} does not change the cache.</li>
 * </ul>
 *
 * <h2>Budget and lifetime</h2>
 * {@link #getMaxCacheSize()} is a budget in bytes (sizes estimated by {@link CacheSizes} or
 * {@link Cacheable}); when it is exceeded the least valuable entries are evicted. Entries are removed
 * {@link #getMaxLifetime()} milliseconds after they were written. -1 means unlimited / forever. Both
 * may be changed while the cache is in use. A local cache applies both at once to the entries it holds;
 * a clustered cache applies a new lifetime at once and may record a new budget and apply it when the
 * cluster next starts its storage: {@link #policy()} says which.
 *
 * <h2>Thread safety</h2>
 * Every method may be called from any thread.
 *
 * @param <K> key type
 * @param <V> value type
 */
public interface Cache<K, V> extends ConcurrentMap<K, V> {

    /** The cache's name, unique within a node (and within a cluster for clustered caches). */
    String getName();

    /** What this cache does where caches differ: see {@link CachePolicy}. */
    CachePolicy policy();

    /** The byte budget, -1 for unlimited. */
    long getMaxCacheSize();

    /**
     * Changes the byte budget; entries are evicted at once if the cache is over the new budget (where
     * {@link CachePolicy#budgetChangesApplyAtOnce()}; else it is recorded and applies later).
     *
     * @param maxSize bytes, positive, or -1 for unlimited
     */
    void setMaxCacheSize(long maxSize);

    /** The entry lifetime in milliseconds, -1 for forever. */
    long getMaxLifetime();

    /**
     * Changes the entry lifetime; applies to the entries already held, counted from their write.
     *
     * @param maxLifetime milliseconds, positive, or -1 for forever
     */
    void setMaxLifetime(long maxLifetime);

    /** The estimated size of the entries, in bytes (on a clustered cache: those this node owns). */
    long getLongCacheSize();

    /** Reads through {@link #get} that found a value, on this node, since the cache was created. */
    long getCacheHits();

    /** Reads through {@link #get} that found nothing, on this node, since the cache was created. */
    long getCacheMisses();

    /**
     * A lock for one key of this cache: a JVM-local lock on a local cache, a cluster-wide lock on a
     * clustered cache. Use it to make read-modify-write sequences atomic:
     * <pre>{@code
     * Lock lock = cache.getLock(key);
     * lock.lock();
     * try { ... } finally { lock.unlock(); }
     * }</pre>
     * The returned object is meant for one thread's lock/unlock pair. Cluster-wide locks are not
     * safe against a split brain: each side may grant the same lock.
     */
    Lock getLock(K key);

    /**
     * The current value of a key as the cluster holds it: a clustered cache reads it from the member
     * that owns the key, never from a near cache (whose copy may lag behind another node's write by
     * the time its invalidation takes to arrive). Use it for a read-modify-write under
     * {@link #getLock(Object)}; plain {@link #get(Object)} is the fast read for everything else. A
     * local cache has only the current value, so the default is {@code get}.
     */
    default V getLatest(K key) {
        return get(key);
    }

    /**
     * Removes these keys, as one batch where the cache can: a clustered cache sends the removals together and
     * waits for all of them, instead of one round trip after another. Keys that are absent are ignored. Not atomic
     * as a whole: each key is removed on its own.
     */
    default void removeAll(java.util.Collection<? extends K> keys) {
        for (K key : keys) {
            remove(key);
        }
    }

    /**
     * Registers a listener for changes to this cache's entries.
     *
     * @param listener the listener
     * @param includeValues whether the listener is given the values (costs a copy on clustered caches)
     * @param includeLocal whether changes made on this node are reported too, or only those of other nodes
     * @return an id for {@link #removeCacheEntryListener(String)}
     */
    String addCacheEntryListener(CacheEntryListener<K, V> listener, boolean includeValues, boolean includeLocal);

    /** Removes a listener registered with {@link #addCacheEntryListener}; unknown ids are ignored. */
    void removeCacheEntryListener(String listenerId);
}
