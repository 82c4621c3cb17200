package org.skein.cache;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.skein.cluster.ClusterNodeInfo;
import org.skein.cluster.ClusterTask;
import org.skein.cluster.ClusterTaskResults;
import org.skein.cluster.NodeID;

/**
 * The storage of a node that is not in a cluster: {@link LocalCache}s. Tasks, members and time of a
 * node alone are its cluster manager's; this strategy only stores.
 */
final class LocalCacheStrategy implements CacheFactoryStrategy {

    private final NodeID localNode;
    private final Ticker ticker;
    private volatile List<CacheStats> publishedStats = List.of();

    LocalCacheStrategy(NodeID localNode, Ticker ticker) {
        this.localNode = localNode;
        this.ticker = ticker;
    }

    @Override
    public String name() {
        return "local";
    }

    @Override
    public boolean startCluster() {
        return false;
    }

    @Override
    public void stopCluster() {
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
    public boolean isSeniorClusterMember() {
        return true;
    }

    @Override
    public NodeID getSeniorClusterMember() {
        return localNode;
    }

    @Override
    public Collection<ClusterNodeInfo> getClusterNodesInfo() {
        throw alone();
    }

    @Override
    public long getClusterTime() {
        throw alone();
    }

    @Override
    public void doClusterTask(ClusterTask<?> task) {
        throw alone();
    }

    @Override
    public void doClusterTask(ClusterTask<?> task, NodeID nodeId) {
        throw alone();
    }

    @Override
    public <V> ClusterTaskResults<V> doSynchronousClusterTask(ClusterTask<V> task, boolean includeLocal, Duration timeout) {
        throw alone();
    }

    @Override
    public <V> V doSynchronousClusterTask(ClusterTask<V> task, NodeID nodeId, Duration timeout) {
        throw alone();
    }

    private static UnsupportedOperationException alone() {
        return new UnsupportedOperationException("a node alone runs its tasks and knows its members through its cluster manager");
    }

    @Override
    public void updateCacheStats(Collection<CacheStats> localStats) {
        publishedStats = List.copyOf(localStats);
    }

    @Override
    public Map<NodeID, List<CacheStats>> getCacheStats() {
        return Map.of(localNode, publishedStats);
    }
}
