package org.skein.cluster;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.skein.cache.Cache;
import org.skein.cache.CacheFactoryStrategy;
import org.skein.cache.CacheSettings;
import org.skein.cache.CacheStats;

/** A strategy that forwards everything, for tests that change one behaviour. */
class DelegatingStrategy implements CacheFactoryStrategy {

    private final CacheFactoryStrategy delegate;

    DelegatingStrategy(CacheFactoryStrategy delegate) {
        this.delegate = delegate;
    }

    @Override public String name() { return delegate.name(); }
    @Override public boolean startCluster() { return delegate.startCluster(); }
    @Override public void stopCluster() { delegate.stopCluster(); }
    @Override public <K, V> Cache<K, V> createCache(String name, CacheSettings settings) { return delegate.createCache(name, settings); }
    @Override public void destroyCache(Cache<?, ?> cache) { delegate.destroyCache(cache); }
    @Override public boolean isSeniorClusterMember() { return delegate.isSeniorClusterMember(); }
    @Override public NodeID getSeniorClusterMember() { return delegate.getSeniorClusterMember(); }
    @Override public Collection<ClusterNodeInfo> getClusterNodesInfo() { return delegate.getClusterNodesInfo(); }
    @Override public long getClusterTime() { return delegate.getClusterTime(); }
    @Override public void doClusterTask(ClusterTask<?> task) { delegate.doClusterTask(task); }
    @Override public void doClusterTask(ClusterTask<?> task, NodeID nodeId) { delegate.doClusterTask(task, nodeId); }
    @Override public <V> ClusterTaskResults<V> doSynchronousClusterTask(ClusterTask<V> task, boolean includeLocal, Duration timeout) {
        return delegate.doSynchronousClusterTask(task, includeLocal, timeout);
    }
    @Override public <V> V doSynchronousClusterTask(ClusterTask<V> task, NodeID nodeId, Duration timeout) {
        return delegate.doSynchronousClusterTask(task, nodeId, timeout);
    }
    @Override public void updateCacheStats(Collection<CacheStats> localStats) { delegate.updateCacheStats(localStats); }
    @Override public Map<NodeID, List<CacheStats>> getCacheStats() { return delegate.getCacheStats(); }
}
