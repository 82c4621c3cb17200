package org.skein.hazelcast.cache;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.EntryView;
import com.hazelcast.map.IMap;
import com.hazelcast.map.LocalMapStats;
import java.io.Serializable;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Lock;
import java.util.function.Function;
import org.skein.cache.Cache;
import org.skein.cache.CacheEntryListener;
import org.skein.cache.CachePolicy;
import org.skein.cache.CacheSettings;
import org.skein.cluster.NodeID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cache whose entries live in a Hazelcast {@link IMap}, shared by every node of the cluster.
 *
 * <p>Reads and writes go to the member that owns the key (or to this node's near cache, for maps
 * configured with one). {@code putIfAbsent}, {@code replace} and {@code remove(key, value)} are
 * atomic across the cluster; the {@code compute} family and {@code merge} are built on them by
 * {@link java.util.concurrent.ConcurrentMap}'s retry loops, so they are atomic too, though the
 * function may run more than once (as {@link Cache} says). {@link #putAll} writes with
 * {@code setAll}, which does not fetch the old values. Views are unmodifiable snapshots.
 *
 * <p>{@link #size()} counts the entries of the whole cluster; {@link #getLongCacheSize()} the heap
 * taken by the entries this node owns. Hits and misses are this node's reads.
 *
 * <p>The budget and the lifetime come from the map's configuration. A new lifetime set while the
 * cache is in use applies to the entries written from then on and, on this call, to every entry the
 * map holds. A new budget is recorded and applies when the cluster is started again: Hazelcast cannot
 * change a running map's eviction. {@link #policy()} says both.
 */
public final class ClusteredCache<K, V> implements Cache<K, V> {

    private static final Logger LOG = LoggerFactory.getLogger(ClusteredCache.class);

    private final IMap<K, V> map;
    private final NodeID localNode;
    private final Function<Member, NodeID> origin;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    /** The listeners registered through this object, by registration id. */
    private final Map<UUID, EntryEventAdapter<K, V>> listeners = new ConcurrentHashMap<>();
    private volatile long maxSize;
    private volatile long maxLifetime;
    /** A lifetime that differs from the map's configured time to live, applied on each write; -1 if none. */
    private volatile long lifetimeOverride = -1;

    /**
     * @param map the distributed map
     * @param settings the budget and lifetime the map's configuration stands for
     * @param localNode this node, to leave out its own changes for listeners that asked so
     * @param origin the node a member runs (for entry events), {@code null} if unknown
     */
    public ClusteredCache(IMap<K, V> map, CacheSettings settings, NodeID localNode, Function<Member, NodeID> origin) {
        this.map = Objects.requireNonNull(map, "map");
        this.localNode = Objects.requireNonNull(localNode, "localNode");
        this.origin = Objects.requireNonNull(origin, "origin");
        this.maxSize = settings.maxSize();
        this.maxLifetime = settings.maxLifetime();
    }

    private static final CachePolicy POLICY = new CachePolicy(false, true, false);

    @Override
    public CachePolicy policy() {
        return POLICY;
    }

    /** The map behind this cache. */
    public IMap<K, V> map() {
        return map;
    }

    @Override
    public String getName() {
        return map.getName();
    }

    @Override
    public long getMaxCacheSize() {
        return maxSize;
    }

    @Override
    public void setMaxCacheSize(long newMaxSize) {
        new CacheSettings(newMaxSize, maxLifetime); // validates
        if (newMaxSize != maxSize) {
            LOG.info("Cache '{}': the new budget of {} bytes applies when the cluster is next started (a running "
                    + "Hazelcast map keeps its eviction settings)", getName(), newMaxSize);
        }
        this.maxSize = newMaxSize;
    }

    @Override
    public long getMaxLifetime() {
        return maxLifetime;
    }

    @Override
    public void setMaxLifetime(long newMaxLifetime) {
        new CacheSettings(maxSize, newMaxLifetime); // validates
        this.maxLifetime = newMaxLifetime;
        this.lifetimeOverride = newMaxLifetime < 0 ? 0 : newMaxLifetime; // 0: Hazelcast's "forever"
        for (K key : map.keySet()) {
            map.setTtl(key, lifetimeOverride, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public long getLongCacheSize() {
        LocalMapStats stats = map.getLocalMapStats();
        return stats.getOwnedEntryMemoryCost();
    }

    /** The entries this node owns (not counting backups). */
    public long ownedEntryCount() {
        return map.getLocalMapStats().getOwnedEntryCount();
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
        return new ClusteredLock<>(map, requireKey(key));
    }

    @Override
    public String addCacheEntryListener(CacheEntryListener<K, V> listener, boolean includeValues, boolean includeLocal) {
        Objects.requireNonNull(listener, "listener");
        EntryEventAdapter<K, V> adapter = new EntryEventAdapter<>(listener, includeLocal, localNode, origin);
        UUID id = map.addEntryListener(adapter, includeValues);
        listeners.put(id, adapter);
        return id.toString();
    }

    @Override
    public void removeCacheEntryListener(String listenerId) {
        if (listenerId == null) {
            return;
        }
        try {
            UUID id = UUID.fromString(listenerId);
            if (listeners.remove(id) == null) {
                return; // not registered here, or silenced when the member began to leave
            }
            map.removeEntryListener(id);
        } catch (IllegalArgumentException e) {
            LOG.debug("Cache '{}': no listener with id {}", getName(), listenerId);
        } catch (RuntimeException e) {
            // the member may be leaving or merging; the registration goes with it
            LOG.debug("Cache '{}': could not remove listener {}: {}", getName(), listenerId, e.toString());
        }
    }

    /** Removes every listener registered through this object (when the cache is destroyed on this node). */
    public void removeAllCacheEntryListeners() {
        for (UUID id : List.copyOf(listeners.keySet())) {
            removeCacheEntryListener(id.toString());
        }
    }

    /**
     * The member is leaving the cluster: every listener registered through this object hears nothing more,
     * from now on, and is forgotten without undoing its registration with the other members (the
     * registrations end with the member; undoing them waits, up to Hazelcast's call timeout of a minute,
     * for a member that left just before).
     */
    public void silenceListeners() {
        for (UUID id : List.copyOf(listeners.keySet())) {
            EntryEventAdapter<K, V> adapter = listeners.remove(id);
            if (adapter != null) {
                adapter.silence();
            }
        }
    }

    // --- reads ---

    @Override
    @SuppressWarnings("unchecked")
    public V get(Object key) {
        V value = map.get(requireKey((K) key));
        if (value == null) {
            misses.increment();
        } else {
            hits.increment();
        }
        return value;
    }

    /** Reads from the key's owner: {@code getEntryView} is never answered by the near cache. */
    @Override
    public V getLatest(K key) {
        EntryView<K, V> view = map.getEntryView(requireKey(key));
        return view == null ? null : view.getValue();
    }

    @Override
    @SuppressWarnings("unchecked")
    public boolean containsKey(Object key) {
        return map.containsKey(requireKey((K) key));
    }

    @Override
    public boolean containsValue(Object value) {
        return map.containsValue(Objects.requireNonNull(value, "a cache holds no null values"));
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
        return Collections.unmodifiableSet(new LinkedHashSet<>(map.keySet()));
    }

    @Override
    public Collection<V> values() {
        return Collections.unmodifiableList(List.copyOf(map.values()));
    }

    @Override
    public Set<Entry<K, V>> entrySet() {
        Set<Entry<K, V>> copy = new LinkedHashSet<>();
        for (Entry<K, V> entry : map.entrySet()) {
            copy.add(Map.entry(entry.getKey(), entry.getValue()));
        }
        return Collections.unmodifiableSet(copy);
    }

    // --- writes ---

    @Override
    public V put(K key, V value) {
        requireEntry(key, value);
        long ttl = lifetimeOverride;
        return ttl < 0 ? map.put(key, value) : map.put(key, value, ttl, TimeUnit.MILLISECONDS);
    }

    @Override
    public void putAll(Map<? extends K, ? extends V> entries) {
        entries.forEach(this::requireEntry);
        if (lifetimeOverride < 0) {
            map.setAll(entries);
        } else {
            entries.forEach((key, value) -> map.set(key, value, lifetimeOverride, TimeUnit.MILLISECONDS));
        }
    }

    @Override
    public V putIfAbsent(K key, V value) {
        requireEntry(key, value);
        long ttl = lifetimeOverride;
        return ttl < 0 ? map.putIfAbsent(key, value) : map.putIfAbsent(key, value, ttl, TimeUnit.MILLISECONDS);
    }

    @Override
    @SuppressWarnings("unchecked")
    public V remove(Object key) {
        return map.remove(requireKey((K) key));
    }

    /** The removals go out together ({@code deleteAsync}) and this waits for all of them: one round trip's time for the batch. */
    @Override
    public void removeAll(Collection<? extends K> keys) {
        List<java.util.concurrent.CompletableFuture<Boolean>> pending = new java.util.ArrayList<>(keys.size());
        for (K key : keys) {
            pending.add(map.deleteAsync(requireKey(key)).toCompletableFuture());
        }
        java.util.concurrent.CompletableFuture.allOf(pending.toArray(java.util.concurrent.CompletableFuture[]::new)).join();
    }

    @Override
    @SuppressWarnings("unchecked")
    public boolean remove(Object key, Object value) {
        return map.remove(requireKey((K) key), Objects.requireNonNull(value, "a cache holds no null values"));
    }

    @Override
    public boolean replace(K key, V oldValue, V newValue) {
        requireEntry(key, newValue);
        return map.replace(key, Objects.requireNonNull(oldValue, "a cache holds no null values"), newValue);
    }

    @Override
    public V replace(K key, V value) {
        requireEntry(key, value);
        return map.replace(key, value);
    }

    @Override
    public void clear() {
        map.clear();
    }

    private K requireKey(K key) {
        Objects.requireNonNull(key, "a cache key must not be null");
        if (!(key instanceof Serializable)) {
            throw new IllegalArgumentException("the key of a clustered cache must be Serializable: " + key.getClass().getName());
        }
        return key;
    }

    private void requireEntry(K key, V value) {
        requireKey(key);
        Objects.requireNonNull(value, "a cache value must not be null");
        if (!(value instanceof Serializable)) {
            throw new IllegalArgumentException("the value of a clustered cache must be Serializable: " + value.getClass().getName());
        }
    }

    @Override
    public String toString() {
        return "ClusteredCache{" + getName() + "}";
    }
}
