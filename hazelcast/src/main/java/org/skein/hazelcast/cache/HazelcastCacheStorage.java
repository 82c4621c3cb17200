package org.skein.hazelcast.cache;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.InvalidConfigurationException;
import com.hazelcast.config.MapConfig;
import com.hazelcast.core.HazelcastInstance;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;
import org.skein.cache.Cache;
import org.skein.cache.CacheSettings;
import org.skein.cache.CacheStats;
import org.skein.cache.CacheStorage;
import org.skein.cluster.NodeID;
import org.skein.hazelcast.config.CacheMapConfigs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache storage of a Hazelcast member: each cache is a {@link ClusteredCache} on the map of the same
 * name, configured from the node's settings for it unless another node configured it first (then the
 * cluster keeps its configuration and this node follows it). Cache statistics are published in
 * {@link CacheStatsStore}. Thread-safe.
 */
public final class HazelcastCacheStorage implements CacheStorage {

    private static final Logger LOG = LoggerFactory.getLogger(HazelcastCacheStorage.class);

    private final HazelcastInstance instance;
    private final NodeID localNode;
    private final CacheStatsStore stats;
    private final Function<Member, NodeID> origin;
    private final Predicate<NodeID> isMember;
    private final Map<String, ClusteredCache<?, ?>> caches = new ConcurrentHashMap<>();

    /**
     * @param instance the running member
     * @param localNode this node
     * @param origin the node a member runs (for entry events), {@code null} if none
     * @param isMember whether a node is a member now (statistics of nodes that left are not shown)
     */
    public HazelcastCacheStorage(HazelcastInstance instance, NodeID localNode, Function<Member, NodeID> origin,
                                 Predicate<NodeID> isMember) {
        this.instance = Objects.requireNonNull(instance, "instance");
        this.localNode = Objects.requireNonNull(localNode, "localNode");
        this.origin = Objects.requireNonNull(origin, "origin");
        this.isMember = Objects.requireNonNull(isMember, "isMember");
        this.stats = new CacheStatsStore(instance.getMap(CacheStatsStore.MAP_NAME));
    }

    @Override
    public String name() {
        return "hazelcast";
    }

    @Override
    public <K, V> Cache<K, V> createCache(String name, CacheSettings settings) {
        MapConfig existing = instance.getConfig().getMapConfigOrNull(name);
        CacheSettings effective;
        if (existing == null) {
            try {
                instance.getConfig().addMapConfig(CacheMapConfigs.derive(name, settings));
                effective = settings;
            } catch (InvalidConfigurationException e) {
                // another node configured this cache first, with other settings: the cluster keeps its config
                effective = CacheMapConfigs.effective(instance.getConfig().getMapConfig(name), settings);
                LOG.info("Cache '{}' was configured by another node first ({}); this node's settings ({}) apply "
                        + "when it is not clustered", name, effective, settings);
            }
        } else {
            effective = CacheMapConfigs.effective(existing, settings);
            if (!effective.equals(settings)) {
                LOG.debug("Cache '{}' follows its map configuration ({}) rather than the node's settings ({})",
                        name, effective, settings);
            }
        }
        ClusteredCache<K, V> cache = new ClusteredCache<>(instance.getMap(name), effective, localNode, origin);
        caches.put(name, cache);
        return cache;
    }

    @Override
    public void destroyCache(Cache<?, ?> cache) {
        if (cache instanceof ClusteredCache<?, ?> clustered) {
            caches.remove(clustered.getName(), clustered);
            clustered.removeAllCacheEntryListeners();
        }
        // the shared content stays for the other nodes
    }

    /** Publishes this node's figures; a clustered cache counts the entries this node owns, not the cluster's. */
    @Override
    public void publishStats(NodeID node, Collection<CacheStats> localStats) {
        List<CacheStats> published = new ArrayList<>(localStats.size());
        for (CacheStats s : localStats) {
            ClusteredCache<?, ?> cache = caches.get(s.name());
            if (cache != null && name().equals(s.strategy())) {
                published.add(new CacheStats(s.name(), s.node(), cache.ownedEntryCount(), s.size(), s.maxSize(),
                        s.maxLifetime(), s.hits(), s.misses(), s.strategy()));
            } else {
                published.add(s);
            }
        }
        stats.publish(node, published);
    }

    @Override
    public Map<NodeID, List<CacheStats>> stats() {
        return stats.read(isMember);
    }

    @Override
    public void forgetStats(NodeID node) {
        stats.remove(node);
    }

    /** Silences the listeners of every cache this storage made: the member stops next, and their registrations with it. */
    @Override
    public void leaving() {
        for (ClusteredCache<?, ?> cache : caches.values()) {
            cache.silenceListeners();
        }
    }
}
