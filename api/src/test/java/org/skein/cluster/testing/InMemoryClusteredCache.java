package org.skein.cluster.testing;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.skein.cache.Cache;
import org.skein.cache.CacheEntryListener;
import org.skein.cache.CachePolicy;
import org.skein.cache.CacheSettings;
import org.skein.cluster.NodeID;

/**
 * One member's view of a shared cache of an {@link InMemoryCluster}: the map of the member's side of
 * the cluster (which changes at a split and a merge). Values are copied by serialization on the way
 * in, like a distributed map; the budget and lifetime are recorded but not enforced. Entry events reach
 * the listeners of every member of the side synchronously.
 */
final class InMemoryClusteredCache<K, V> implements Cache<K, V> {

    private final InMemoryMember member;
    private final String name;
    private final NodeID node;
    private final Set<String> listenerIds = ConcurrentHashMap.newKeySet();
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private volatile long maxSize;
    private volatile long maxLifetime;

    InMemoryClusteredCache(InMemoryMember member, String name, CacheSettings settings) {
        this.member = member;
        this.name = name;
        this.node = member.nodeId();
        this.maxSize = settings.maxSize();
        this.maxLifetime = settings.maxLifetime();
    }

    @SuppressWarnings("unchecked")
    private ConcurrentHashMap<K, V> map() {
        return (ConcurrentHashMap<K, V>) (ConcurrentHashMap<?, ?>) member.side().map(name);
    }

    void removeAllListeners() {
        for (String id : List.copyOf(listenerIds)) {
            removeCacheEntryListener(id);
        }
    }

    private V copy(V value) {
        return InMemoryCluster.travel(value, getClass().getClassLoader());
    }

    private void fire(K key, V oldValue, V newValue) {
        member.side().fire(name, node, key, oldValue, newValue);
    }

    /** A test fake: budget and lifetime are recorded, never enforced; views are snapshots. */
    @Override
    public CachePolicy policy() {
        return new CachePolicy(false, false, false);
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public long getMaxCacheSize() {
        return maxSize;
    }

    @Override
    public void setMaxCacheSize(long maxSize) {
        this.maxSize = maxSize;
    }

    @Override
    public long getMaxLifetime() {
        return maxLifetime;
    }

    @Override
    public void setMaxLifetime(long maxLifetime) {
        this.maxLifetime = maxLifetime;
    }

    @Override
    public long getLongCacheSize() {
        return map().size() * 100L;
    }

    @Override
    public long getCacheHits() {
        return hits.sum();
    }

    @Override
    public long getCacheMisses() {
        return misses.sum();
    }

    @Override
    public Lock getLock(K key) {
        ReentrantLock lock = member.side().lock(name, key);
        return new Lock() {
            @Override public void lock() { lock.lock(); }
            @Override public void lockInterruptibly() throws InterruptedException { lock.lockInterruptibly(); }
            @Override public boolean tryLock() { return lock.tryLock(); }
            @Override public boolean tryLock(long t, TimeUnit u) throws InterruptedException { return lock.tryLock(t, u); }
            @Override public void unlock() { lock.unlock(); }
            @Override public Condition newCondition() { throw new UnsupportedOperationException(); }
        };
    }

    @Override
    @SuppressWarnings("unchecked")
    public String addCacheEntryListener(CacheEntryListener<K, V> listener, boolean includeValues, boolean includeLocal) {
        String id = UUID.randomUUID().toString();
        member.side().listeners(name)
                .add(new InMemoryCluster.SharedListener(id, node, (CacheEntryListener<Object, Object>) listener, includeValues, includeLocal));
        listenerIds.add(id);
        return id;
    }

    @Override
    public void removeCacheEntryListener(String listenerId) {
        listenerIds.remove(listenerId);
        member.side().listeners(name).removeIf(l -> l.id().equals(listenerId));
    }

    @Override
    public V get(Object key) {
        V value = map().get(Objects.requireNonNull(key, "a cache key must not be null"));
        if (value == null) {
            misses.increment();
        } else {
            hits.increment();
        }
        return value;
    }

    @Override
    public boolean containsKey(Object key) {
        return map().containsKey(key);
    }

    @Override
    public boolean containsValue(Object value) {
        return map().containsValue(value);
    }

    @Override
    public int size() {
        return map().size();
    }

    @Override
    public boolean isEmpty() {
        return map().isEmpty();
    }

    @Override
    public Set<K> keySet() {
        return Set.copyOf(map().keySet());
    }

    @Override
    public Collection<V> values() {
        return List.copyOf(map().values());
    }

    @Override
    public Set<Entry<K, V>> entrySet() {
        return Collections.unmodifiableSet(Set.copyOf(Map.copyOf(map()).entrySet()));
    }

    @Override
    public V put(K key, V value) {
        V old = map().put(key, copy(value));
        fire(key, old, value);
        return old;
    }

    @Override
    public void putAll(Map<? extends K, ? extends V> entries) {
        entries.forEach(this::put);
    }

    @Override
    public V putIfAbsent(K key, V value) {
        V old = map().putIfAbsent(key, copy(value));
        if (old == null) {
            fire(key, null, value);
        }
        return old;
    }

    @Override
    @SuppressWarnings("unchecked")
    public V remove(Object key) {
        V old = map().remove(key);
        if (old != null) {
            fire((K) key, old, null);
        }
        return old;
    }

    @Override
    @SuppressWarnings("unchecked")
    public boolean remove(Object key, Object value) {
        boolean removed = map().remove(key, value);
        if (removed) {
            fire((K) key, (V) value, null);
        }
        return removed;
    }

    @Override
    public boolean replace(K key, V oldValue, V newValue) {
        boolean replaced = map().replace(key, oldValue, copy(newValue));
        if (replaced) {
            fire(key, oldValue, newValue);
        }
        return replaced;
    }

    @Override
    public V replace(K key, V value) {
        V old = map().replace(key, copy(value));
        if (old != null) {
            fire(key, old, value);
        }
        return old;
    }

    @Override
    public void clear() {
        map().clear();
        member.side().fireCleared(name, node);
    }

    @Override
    public V computeIfAbsent(K key, Function<? super K, ? extends V> mappingFunction) {
        V existing = map().get(key);
        if (existing != null) {
            return existing;
        }
        V value = mappingFunction.apply(key);
        if (value == null) {
            return null;
        }
        V old = putIfAbsent(key, value);
        return old == null ? value : old;
    }

    @Override
    public V compute(K key, BiFunction<? super K, ? super V, ? extends V> remappingFunction) {
        V[] change = newChange();
        V result = map().compute(key, (k, old) -> {
            change[0] = old;
            V value = remappingFunction.apply(k, old);
            change[1] = value;
            return value == null ? null : copy(value);
        });
        fire(key, change[0], change[1]);
        return result;
    }

    @Override
    public V computeIfPresent(K key, BiFunction<? super K, ? super V, ? extends V> remappingFunction) {
        return compute(key, (k, old) -> old == null ? null : remappingFunction.apply(k, old));
    }

    @Override
    public V merge(K key, V value, BiFunction<? super V, ? super V, ? extends V> remappingFunction) {
        return compute(key, (k, old) -> old == null ? value : remappingFunction.apply(old, value));
    }

    @SuppressWarnings("unchecked")
    private V[] newChange() {
        return (V[]) new Object[2];
    }

    @Override
    public String toString() {
        return "InMemoryClusteredCache{" + name + " on " + node + ", entries=" + map().size() + "}";
    }
}
