package org.skein.cache;

import com.github.benmanes.caffeine.cache.Ticker;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.function.Function;
import org.skein.cluster.ClusterException;
import org.skein.cluster.NodeID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's caches. One per node, owned by the node object.
 *
 * <p>{@link #createCache(String)} returns a {@link CacheWrapper} whose storage comes from the current
 * {@link CacheFactoryStrategy}: the local strategy, or, while the node is in a cluster, the clustered
 * strategy a plugin registered with {@link #setClusteredStrategy}. When the node joins a cluster
 * ({@link #joinedCluster()}, called by the cluster manager) every clusterable cache is switched to a
 * clustered cache and its local content copied in; when it leaves ({@link #leftCluster()}) every such
 * cache gets fresh, empty local storage, and the cluster event listeners restore what is local.
 * Caches created with {@link #createLocalCache(String)} never move.
 *
 * <p>Budgets and lifetimes come from the node's configuration by cache name (see
 * {@code cache.<name>.maxSize} and {@code cache.<name>.maxLifetime} in the node's
 * {@code conf/skein.properties}). Cluster tasks, members and cluster time are the cluster manager's.
 * Thread-safe.
 */
public final class CacheFactory implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CacheFactory.class);

    private final NodeID localNode;
    private final Function<String, CacheSettings> settings;
    private final LocalCacheStrategy localStrategy;
    private final Map<String, CacheWrapper<?, ?>> caches = new ConcurrentHashMap<>();
    private final Object lifecycle = new Object();
    private volatile CacheFactoryStrategy clusteredStrategy;
    private volatile CacheFactoryStrategy current;

    /**
     * @param localNode this node's id
     * @param settings the budget and lifetime of a cache by name (from the node's configuration); may
     *        throw an exception that names the bad setting, which {@link #createCache} passes on
     * @param ticker the time source of cache lifetimes, in nanoseconds
     */
    public CacheFactory(NodeID localNode, Function<String, CacheSettings> settings, Ticker ticker) {
        this.localNode = Objects.requireNonNull(localNode, "localNode");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.localStrategy = new LocalCacheStrategy(localNode, Objects.requireNonNull(ticker, "ticker"));
        this.current = localStrategy;
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
            synchronized (lifecycle) {
                existing = caches.get(name);
                if (existing == null) {
                    CacheSettings cacheSettings = settings.apply(name);
                    CacheFactoryStrategy strategy = localOnly ? localStrategy : current;
                    existing = new CacheWrapper<>(strategy.<K, V>createCache(name, cacheSettings), localOnly);
                    caches.put(name, existing);
                    LOG.debug("Created cache '{}' ({}, {})", name, strategy.name(), cacheSettings);
                }
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
        synchronized (lifecycle) {
            CacheWrapper<?, ?> wrapper = caches.remove(name);
            if (wrapper != null) {
                strategyOf(wrapper).destroyCache(wrapper.getDelegate());
            }
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
                    strategyOf(cache).name()));
        }
        stats.sort(java.util.Comparator.comparing(CacheStats::name));
        return stats;
    }

    /** Publishes this node's cache statistics through the current strategy, for every node's admin console. */
    public void publishCacheStats() {
        current.updateCacheStats(getLocalCacheStats());
    }

    /** The latest published cache statistics of every node. */
    public Map<NodeID, List<CacheStats>> getCacheStats() {
        return current.getCacheStats();
    }

    // --- strategies and the cluster switch ---

    /**
     * Registers the clustered strategy of a clustering plugin. Only one may be registered; the
     * plugin clears it with {@link #clearClusteredStrategy} when it stops.
     *
     * @throws IllegalStateException if another clustered strategy is registered
     */
    public void setClusteredStrategy(CacheFactoryStrategy strategy) {
        Objects.requireNonNull(strategy, "strategy");
        synchronized (lifecycle) {
            if (clusteredStrategy != null && clusteredStrategy != strategy) {
                throw new IllegalStateException("a clustered strategy is registered already: " + clusteredStrategy.name());
            }
            clusteredStrategy = strategy;
        }
    }

    /** Unregisters a clustered strategy; does nothing if another one (or none) is registered. */
    public void clearClusteredStrategy(CacheFactoryStrategy strategy) {
        synchronized (lifecycle) {
            if (clusteredStrategy == strategy) {
                if (current == strategy) {
                    throw new IllegalStateException("the node is still in a cluster; stop clustering first");
                }
                clusteredStrategy = null;
            }
        }
    }

    public Optional<CacheFactoryStrategy> getClusteredStrategy() {
        return Optional.ofNullable(clusteredStrategy);
    }

    /** The strategy in use: the local one, or the clustered one while in a cluster. */
    public CacheFactoryStrategy getCurrentStrategy() {
        return current;
    }

    /** Whether the caches are clustered now. */
    public boolean isClustered() {
        return current != localStrategy;
    }

    /**
     * Asks the clustered strategy to join the cluster; see {@link CacheFactoryStrategy#startCluster()}.
     *
     * @throws ClusterException if no clustered strategy is registered
     */
    public boolean startClustering() {
        CacheFactoryStrategy strategy = clusteredStrategy;
        if (strategy == null) {
            throw new ClusterException("no clustering plugin has registered a clustered cache strategy");
        }
        return strategy.startCluster();
    }

    /** Asks the clustered strategy to leave the cluster; does nothing if none is registered. */
    public void stopClustering() {
        CacheFactoryStrategy strategy = clusteredStrategy;
        if (strategy != null) {
            strategy.stopCluster();
        }
    }

    /**
     * Switches every clusterable cache to the clustered strategy and copies its local content in.
     * Called by the cluster manager when this node joined, before the listeners run.
     */
    public void joinedCluster() {
        synchronized (lifecycle) {
            CacheFactoryStrategy strategy = clusteredStrategy;
            if (strategy == null) {
                throw new IllegalStateException("joined a cluster without a clustered strategy");
            }
            if (current == strategy) {
                return;
            }
            current = strategy;
            int moved = 0;
            for (CacheWrapper<?, ?> wrapper : caches.values()) {
                if (!wrapper.isLocalOnly()) {
                    moveTo(wrapper, strategy, true);
                    moved++;
                }
            }
            LOG.info("Joined a cluster: {} caches are now on the {} strategy", moved, strategy.name());
        }
    }

    /**
     * Switches every clusterable cache back to fresh, empty local storage. Called by the cluster
     * manager when this node left, before the listeners run (they restore the local content).
     */
    public void leftCluster() {
        synchronized (lifecycle) {
            if (current == localStrategy) {
                return;
            }
            current = localStrategy;
            for (CacheWrapper<?, ?> wrapper : caches.values()) {
                if (!wrapper.isLocalOnly()) {
                    moveTo(wrapper, localStrategy, false);
                }
            }
            LOG.info("Left the cluster: caches are local again");
        }
    }

    private static <K, V> void moveTo(CacheWrapper<K, V> wrapper, CacheFactoryStrategy target, boolean copyContent) {
        CacheSettings cacheSettings = CacheSettings.of(wrapper.getDelegate());
        Cache<K, V> old = wrapper.swap(target.createCache(wrapper.getName(), cacheSettings), copyContent);
        if (old instanceof LocalCache) {
            old.clear(); // let the local storage go; a clustered one is shared and stays
        }
    }

    private CacheFactoryStrategy strategyOf(CacheWrapper<?, ?> wrapper) {
        return wrapper.getDelegate() instanceof LocalCache ? localStrategy : current;
    }

    public NodeID getLocalNode() {
        return localNode;
    }

    /** Forgets every cache. The node calls this when it stops, after clustering has stopped. */
    @Override
    public void close() {
        synchronized (lifecycle) {
            for (CacheWrapper<?, ?> wrapper : caches.values()) {
                if (wrapper.getDelegate() instanceof LocalCache) {
                    wrapper.getDelegate().clear();
                }
            }
            caches.clear();
        }
    }

    private static String requireName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a cache needs a name");
        }
        return name;
    }
}
