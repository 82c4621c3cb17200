package org.skein.cache;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.skein.cluster.NodeID;

/**
 * A cache in this JVM, on Caffeine: a weigher ({@link CacheSizes}) against {@code maximumWeight}
 * for the byte budget, expire-after-write for the lifetime, recorded statistics. Caffeine's
 * W-TinyLFU policy decides what to evict.
 *
 * <p>A policy is configured only when it is needed: an unlimited cache has no eviction policy and an
 * eternal one no expiration, so that the routing caches (unlimited and eternal) read as fast as a
 * concurrent hash map and never read the clock. A budget or lifetime change that the configured
 * policies can take is applied in place through Caffeine's policy API; one they cannot take (a budget
 * for an unlimited cache, a lifetime for an eternal one) needs a new cache, which the
 * {@link CacheWrapper} builds and swaps in with the content ({@link #canApply}, {@link #rebuiltWith}).
 * Maintenance runs on the calling thread ({@code executor(Runnable::run)}): no work escapes to the
 * common pool, and evictions are visible when the write that caused them returns.
 */
final class LocalCache<K, V> implements Cache<K, V> {

    private static final long FOREVER_NANOS = Long.MAX_VALUE;

    private final String name;
    private final com.github.benmanes.caffeine.cache.Cache<K, V> cache;
    private final ConcurrentMap<K, V> map;
    private final Policy.Eviction<K, V> eviction; // null when unlimited
    private final Policy.FixedExpiration<K, V> expiration; // null when eternal
    private final NodeID localNode;
    private final Ticker ticker;
    private final LocalLocks locks = new LocalLocks();
    private final ListenerRegistry<K, V> listeners;
    private volatile long maxSize;
    private volatile long maxLifetime;

    LocalCache(String name, CacheSettings settings, NodeID localNode, Ticker ticker) {
        this.name = name;
        this.localNode = localNode;
        this.ticker = ticker;
        this.maxSize = settings.maxSize();
        this.maxLifetime = settings.maxLifetime();
        this.listeners = new ListenerRegistry<>(name, localNode);
        Caffeine<Object, Object> builder = Caffeine.newBuilder().executor(Runnable::run).ticker(ticker).recordStats();
        if (!settings.isUnlimitedSize()) {
            builder.maximumWeight(settings.maxSize()).weigher(CacheSizes::sizeOfEntry);
        }
        if (!settings.isEternal()) {
            builder.expireAfterWrite(settings.maxLifetime(), TimeUnit.MILLISECONDS);
        }
        this.cache = builder
                .<K, V>evictionListener((K key, V value, RemovalCause cause) -> {
                    if (listeners.isActive() && cause.wasEvicted()) {
                        listeners.evicted(key, value);
                    }
                })
                .build();
        this.map = cache.asMap();
        this.eviction = cache.policy().eviction().orElse(null);
        this.expiration = cache.policy().expireAfterWrite().orElse(null);
    }

    /** Whether these settings can be applied to this cache in place (its policies can take them). */
    boolean canApply(CacheSettings settings) {
        return (settings.isUnlimitedSize() || eviction != null) && (settings.isEternal() || expiration != null);
    }

    /** A new cache with these settings and this one's name, node, ticker and listeners; empty. */
    LocalCache<K, V> rebuiltWith(CacheSettings settings) {
        return new LocalCache<>(name, settings, localNode, ticker);
    }

    @Override
    public CachePolicy policy() {
        return CachePolicy.LOCAL;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public long getMaxCacheSize() {
        return maxSize;
    }

    /**
     * {@inheritDoc}
     *
     * @throws UnsupportedOperationException if this cache has no eviction policy and a budget is asked
     *         for ({@link #canApply}); the wrapper rebuilds the cache then
     */
    @Override
    public void setMaxCacheSize(long maxSize) {
        CacheSettings wanted = new CacheSettings(maxSize, maxLifetime); // validates
        if (!canApply(wanted)) {
            throw new UnsupportedOperationException("cache '" + name + "' was built unlimited; it must be rebuilt for a budget");
        }
        this.maxSize = maxSize;
        if (eviction != null) {
            eviction.setMaximum(maxSize < 0 ? Long.MAX_VALUE : maxSize);
        }
    }

    @Override
    public long getMaxLifetime() {
        return maxLifetime;
    }

    /**
     * {@inheritDoc}
     *
     * @throws UnsupportedOperationException if this cache has no expiration policy and a lifetime is
     *         asked for ({@link #canApply}); the wrapper rebuilds the cache then
     */
    @Override
    public void setMaxLifetime(long maxLifetime) {
        CacheSettings wanted = new CacheSettings(maxSize, maxLifetime); // validates
        if (!canApply(wanted)) {
            throw new UnsupportedOperationException("cache '" + name + "' was built eternal; it must be rebuilt for a lifetime");
        }
        this.maxLifetime = maxLifetime;
        if (expiration != null) {
            expiration.setExpiresAfter(maxLifetime < 0 ? FOREVER_NANOS : TimeUnit.MILLISECONDS.toNanos(maxLifetime),
                    TimeUnit.NANOSECONDS);
            cache.cleanUp();
        }
    }

    @Override
    public long getLongCacheSize() {
        cache.cleanUp();
        if (eviction != null) {
            return eviction.weightedSize().orElse(0L);
        }
        long size = 0;
        for (Map.Entry<K, V> entry : map.entrySet()) {
            size += CacheSizes.sizeOfEntry(entry.getKey(), entry.getValue());
        }
        return size;
    }

    @Override
    public long getCacheHits() {
        return cache.stats().hitCount();
    }

    @Override
    public long getCacheMisses() {
        return cache.stats().missCount();
    }

    @Override
    public Lock getLock(K key) {
        return locks.forKey(key);
    }

    /** Key locks held or waited for now; for tests. */
    int activeLockCount() {
        return locks.activeLocks();
    }

    @Override
    public String addCacheEntryListener(CacheEntryListener<K, V> listener, boolean includeValues, boolean includeLocal) {
        return listeners.add(listener, includeValues, includeLocal);
    }

    @Override
    public void removeCacheEntryListener(String listenerId) {
        listeners.remove(listenerId);
    }

    // --- reads ---

    @Override
    @SuppressWarnings("unchecked")
    public V get(Object key) {
        return cache.getIfPresent((K) key);
    }

    @Override
    public boolean containsKey(Object key) {
        return map.containsKey(key);
    }

    @Override
    public boolean containsValue(Object value) {
        return map.containsValue(value);
    }

    @Override
    public int size() {
        return map.size();
    }

    @Override
    public boolean isEmpty() {
        return map.isEmpty();
    }

    @Override
    public Set<K> keySet() {
        return Collections.unmodifiableSet(map.keySet());
    }

    @Override
    public Collection<V> values() {
        return Collections.unmodifiableCollection(map.values());
    }

    @Override
    public Set<Entry<K, V>> entrySet() {
        return Collections.unmodifiableSet(map.entrySet());
    }

    // --- writes ---

    @Override
    public V put(K key, V value) {
        V old = map.put(key, value);
        if (listeners.isActive()) {
            listeners.changed(key, old, value);
        }
        return old;
    }

    @Override
    public void putAll(Map<? extends K, ? extends V> entries) {
        if (!listeners.isActive()) {
            map.putAll(entries);
            return;
        }
        entries.forEach(this::put);
    }

    @Override
    public V putIfAbsent(K key, V value) {
        V old = map.putIfAbsent(key, value);
        if (old == null && listeners.isActive()) {
            listeners.added(key, value);
        }
        return old;
    }

    @Override
    @SuppressWarnings("unchecked")
    public V remove(Object key) {
        V old = map.remove(key);
        if (old != null && listeners.isActive()) {
            listeners.removed((K) key, old);
        }
        return old;
    }

    @Override
    @SuppressWarnings("unchecked")
    public boolean remove(Object key, Object value) {
        boolean removed = map.remove(key, value);
        if (removed && listeners.isActive()) {
            listeners.removed((K) key, (V) value);
        }
        return removed;
    }

    @Override
    public boolean replace(K key, V oldValue, V newValue) {
        boolean replaced = map.replace(key, oldValue, newValue);
        if (replaced && listeners.isActive()) {
            listeners.updated(key, oldValue, newValue);
        }
        return replaced;
    }

    @Override
    public V replace(K key, V value) {
        V old = map.replace(key, value);
        if (old != null && listeners.isActive()) {
            listeners.updated(key, old, value);
        }
        return old;
    }

    @Override
    public void clear() {
        map.clear();
        if (listeners.isActive()) {
            listeners.cleared();
        }
    }

    @Override
    public V computeIfAbsent(K key, Function<? super K, ? extends V> mappingFunction) {
        if (!listeners.isActive()) {
            return map.computeIfAbsent(key, mappingFunction);
        }
        Change<V> change = new Change<>();
        V result = map.computeIfAbsent(key, k -> change.after(mappingFunction.apply(k)));
        if (change.happened) {
            listeners.changed(key, null, change.newValue);
        }
        return result;
    }

    @Override
    public V computeIfPresent(K key, BiFunction<? super K, ? super V, ? extends V> remappingFunction) {
        if (!listeners.isActive()) {
            return map.computeIfPresent(key, remappingFunction);
        }
        Change<V> change = new Change<>();
        V result = map.computeIfPresent(key, (k, old) -> change.from(old).after(remappingFunction.apply(k, old)));
        if (change.happened) {
            listeners.changed(key, change.oldValue, change.newValue);
        }
        return result;
    }

    @Override
    public V compute(K key, BiFunction<? super K, ? super V, ? extends V> remappingFunction) {
        if (!listeners.isActive()) {
            return map.compute(key, remappingFunction);
        }
        Change<V> change = new Change<>();
        V result = map.compute(key, (k, old) -> change.from(old).after(remappingFunction.apply(k, old)));
        if (change.happened) {
            listeners.changed(key, change.oldValue, change.newValue);
        }
        return result;
    }

    @Override
    public V merge(K key, V value, BiFunction<? super V, ? super V, ? extends V> remappingFunction) {
        if (!listeners.isActive()) {
            return map.merge(key, value, remappingFunction);
        }
        Change<V> change = new Change<>();
        V result = map.compute(key, (k, old) -> change.from(old).after(old == null ? value : remappingFunction.apply(old, value)));
        if (change.happened) {
            listeners.changed(key, change.oldValue, change.newValue);
        }
        return result;
    }

    @Override
    public boolean equals(Object o) {
        return o == this || map.equals(o);
    }

    @Override
    public int hashCode() {
        return map.hashCode();
    }

    @Override
    public String toString() {
        return "LocalCache{" + name + ", entries=" + map.size() + ", " + new CacheSettings(maxSize, maxLifetime) + "}";
    }

    /** The last change a compute function made, captured inside Caffeine's atomic section. */
    private static final class Change<V> {
        V oldValue;
        V newValue;
        boolean happened;

        Change<V> from(V old) {
            this.oldValue = old;
            return this;
        }

        @SuppressWarnings("unchecked")
        <T extends V> V after(T value) {
            this.newValue = value;
            this.happened = true;
            return value;
        }
    }
}
