package org.skein.cache;

import com.github.benmanes.caffeine.cache.Ticker;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Lock;
import java.util.function.Function;
import org.skein.cluster.NodeID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's caches. One per node, owned by the node object.
 *
 * <p>{@link #createCache(String)} returns a {@link Cache} (a wrapper) whose entries live in the
 * current {@link CacheStorage}: this JVM while the node is alone, the cluster's storage while it is a
 * member. When the node joins a cluster every clusterable cache moves to the cluster's storage with its
 * local content copied in; when it leaves every such cache gets fresh, empty local storage, and the
 * node's cluster event listeners restore what is local. Callers keep their reference across moves.
 * Caches created with {@link #createLocalCache(String)} never move. The moves are made by the node's
 * cluster manager, through the {@link Switch} only it holds.
 *
 * <p>Budgets and lifetimes come from the node's configuration by cache name (see
 * {@code cache.<name>.maxSize} and {@code cache.<name>.maxLifetime} in the node's
 * {@code conf/skein.properties}). Cluster tasks, members and cluster time are the cluster manager's.
 *
 * <p>Thread-safe. No lock is held while a cache is created or moved (either may talk to other nodes).
 */
public final class CacheFactory implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CacheFactory.class);

    private final NodeID localNode;
    private final Function<String, CacheSettings> settings;
    private final LocalCacheStorage localStorage;
    private final ConcurrentMap<String, CacheWrapper<?, ?>> caches = new ConcurrentHashMap<>();
    private final AtomicBoolean switchTaken = new AtomicBoolean();
    private volatile CacheStorage current;

    /**
     * @param localNode this node's id
     * @param settings the budget and lifetime of a cache by name (from the node's configuration); may
     *        throw an exception that names the bad setting, which {@link #createCache} passes on
     * @param ticker the time source of cache lifetimes, in nanoseconds
     */
    public CacheFactory(NodeID localNode, Function<String, CacheSettings> settings, Ticker ticker) {
        this.localNode = Objects.requireNonNull(localNode, "localNode");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.localStorage = new LocalCacheStorage(localNode, Objects.requireNonNull(ticker, "ticker"));
        this.current = localStorage;
    }

    // --- caches ---

    /**
     * The cache with this name, created on first use with the configured budget and lifetime. Every
     * call with the same name returns the same object.
     */
    public <K, V> Cache<K, V> createCache(String name) {
        return create(name, false);
    }

    /** Like {@link #createCache}, but the cache stays in this JVM when the node joins a cluster. */
    public <K, V> Cache<K, V> createLocalCache(String name) {
        return create(name, true);
    }

    @SuppressWarnings("unchecked")
    private <K, V> Cache<K, V> create(String name, boolean localOnly) {
        requireName(name);
        CacheWrapper<?, ?> existing = caches.get(name);
        if (existing == null) {
            CacheSettings cacheSettings = settings.apply(name);
            CacheStorage storage = localOnly ? localStorage : current;
            // made outside any lock: a clustered storage may talk to other nodes
            CacheWrapper<K, V> created = new CacheWrapper<>(storage.createCache(name, cacheSettings), storage, localOnly);
            existing = caches.putIfAbsent(name, created);
            if (existing == null) {
                LOG.debug("Created cache '{}' ({}, {})", name, storage.name(), cacheSettings);
                CacheStorage now = current;
                if (!localOnly && now != storage) {
                    // the node joined or left while this cache was made: follow the switch
                    created.moveTo(now, now != localStorage);
                }
                existing = created;
            } else {
                storage.destroyCache(created.getDelegate());
            }
        }
        if (existing.isLocalOnly() != localOnly) {
            throw new IllegalStateException("cache '" + name + "' exists already as a "
                    + (existing.isLocalOnly() ? "local-only" : "clusterable") + " cache");
        }
        return (Cache<K, V>) existing;
    }

    /** The cache with this name, if it was created. */
    @SuppressWarnings("unchecked")
    public <K, V> Optional<Cache<K, V>> getCache(String name) {
        return Optional.ofNullable((Cache<K, V>) caches.get(name));
    }

    /** Every cache created so far. */
    public Collection<Cache<?, ?>> getAllCaches() {
        return List.copyOf(caches.values());
    }

    /** The budget and lifetime a cache of this name gets when it is created. */
    public CacheSettings getConfiguredSettings(String name) {
        return settings.apply(requireName(name));
    }

    /** Removes a cache from this node; the next {@link #createCache} with its name makes a new one. */
    public void destroyCache(String name) {
        CacheWrapper<?, ?> wrapper = caches.remove(name);
        if (wrapper != null) {
            wrapper.storage().destroyCache(wrapper.getDelegate());
        }
    }

    /** A lock on one key of a cache: cluster-wide while clustered, JVM-local otherwise. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Lock getLock(Object key, Cache<?, ?> cache) {
        return ((Cache) cache).getLock(key);
    }

    /** Statistics of every cache on this node. */
    public List<CacheStats> getLocalCacheStats() {
        List<CacheStats> stats = new ArrayList<>();
        for (CacheWrapper<?, ?> cache : caches.values()) {
            stats.add(new CacheStats(cache.getName(), localNode, cache.getDelegate().size(), cache.getLongCacheSize(),
                    cache.getMaxCacheSize(), cache.getMaxLifetime(), cache.getCacheHits(), cache.getCacheMisses(),
                    cache.storage().name()));
        }
        stats.sort(Comparator.comparing(CacheStats::name));
        return stats;
    }

    /** Publishes this node's cache statistics through the current storage, for every node's admin console. */
    public void publishCacheStats() {
        current.publishStats(localNode, getLocalCacheStats());
    }

    /** The latest published cache statistics of every node. */
    public Map<NodeID, List<CacheStats>> getCacheStats() {
        return current.stats();
    }

    /** Whether the clusterable caches are in a cluster's storage now. */
    public boolean isClustered() {
        return current != localStorage;
    }

    /** The storage clusterable caches are created in now: {@code local}, or the cluster's. */
    public CacheStorage getCurrentStorage() {
        return current;
    }

    public NodeID getLocalNode() {
        return localNode;
    }

    // --- the switch ---

    /**
     * The handle that moves this factory's clusterable caches between local and clustered storage. It
     * can be taken once: the node's cluster manager takes it when it is built, so nothing else (no
     * plugin) can move the caches.
     *
     * @throws IllegalStateException if it was taken already
     */
    public Switch takeSwitch() {
        if (!switchTaken.compareAndSet(false, true)) {
            throw new IllegalStateException("the cache switch of node " + localNode + " belongs to its cluster manager");
        }
        return new Switch();
    }

    /**
     * Moves the clusterable caches. Called by one thread at a time (the cluster manager's lifecycle
     * thread). Each cache's new storage is made and filled outside any lock, then published in one
     * swap; writers of that cache wait only for the last writes made meanwhile to be copied.
     */
    public final class Switch {

        private Switch() {
        }

        /** Moves every clusterable cache to the cluster's storage and copies its local content in. */
        public void toClustered(CacheStorage storage) {
            Objects.requireNonNull(storage, "storage");
            if (current == storage) {
                return;
            }
            current = storage;
            int moved = moveAll(storage, true);
            LOG.info("Node {} joined a cluster: {} caches are now in the {} storage", localNode, moved, storage.name());
        }

        /** Moves every clusterable cache to fresh, empty local storage. */
        public void toLocal() {
            if (current == localStorage) {
                return;
            }
            current = localStorage;
            moveAll(localStorage, false);
            LOG.info("Node {} left the cluster: its caches are local again", localNode);
        }

        private int moveAll(CacheStorage target, boolean copyContent) {
            int moved = 0;
            for (CacheWrapper<?, ?> wrapper : caches.values()) {
                if (!wrapper.isLocalOnly()) {
                    wrapper.moveTo(target, copyContent);
                    moved++;
                }
            }
            return moved;
        }
    }

    /** Forgets every cache. The node calls this when it stops, after clustering has stopped. */
    @Override
    public void close() {
        for (CacheWrapper<?, ?> wrapper : caches.values()) {
            if (wrapper.storage() == localStorage) {
                wrapper.getDelegate().clear();
            }
        }
        caches.clear();
    }

    private static String requireName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a cache needs a name");
        }
        return name;
    }
}
