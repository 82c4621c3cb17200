package org.skein.cache;

import com.github.benmanes.caffeine.cache.Ticker;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.skein.cluster.NodeID;

/** The storage of a node that is not in a cluster: {@link LocalCache}s on Caffeine, in this JVM. */
final class LocalCacheStorage implements CacheStorage {

    private final NodeID localNode;
    private final Ticker ticker;
    private volatile List<CacheStats> publishedStats = List.of();

    LocalCacheStorage(NodeID localNode, Ticker ticker) {
        this.localNode = localNode;
        this.ticker = ticker;
    }

    @Override
    public String name() {
        return "local";
    }

    @Override
    public <K, V> Cache<K, V> createCache(String name, CacheSettings settings) {
        return new LocalCache<>(name, settings, localNode, ticker);
    }

    @Override
    public void destroyCache(Cache<?, ?> cache) {
        cache.clear();
    }

    @Override
    public void publishStats(NodeID node, Collection<CacheStats> stats) {
        publishedStats = List.copyOf(stats);
    }

    @Override
    public Map<NodeID, List<CacheStats>> stats() {
        return Map.of(localNode, publishedStats);
    }
}
