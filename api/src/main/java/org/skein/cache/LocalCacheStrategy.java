package org.skein.cache;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.skein.ServerContext;
import org.skein.cluster.ClusterException;
import org.skein.cluster.ClusterNodeInfo;
import org.skein.cluster.ClusterTask;
import org.skein.cluster.ClusterTaskResults;
import org.skein.cluster.NodeID;
import org.skein.cluster.UnknownClusterNodeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The strategy of a node that is not in a cluster: {@link LocalCache}s, and a "cluster" of one. Tasks
 * for the other nodes do nothing; tasks that include this node run here, on the node's task executor,
 * with the node's context. Locks are JVM-local.
 */
final class LocalCacheStrategy implements CacheFactoryStrategy {

    private static final Logger LOG = LoggerFactory.getLogger(LocalCacheStrategy.class);

    private final NodeID localNode;
    private final Supplier<ServerContext> context;
    private final ExecutorService taskExecutor;
    private final Clock clock;
    private final Ticker ticker;
    private final long startTime;
    private volatile List<CacheStats> publishedStats = List.of();

    LocalCacheStrategy(NodeID localNode, Supplier<ServerContext> context, ExecutorService taskExecutor, Clock clock, Ticker ticker) {
        this.localNode = localNode;
        this.context = context;
        this.taskExecutor = taskExecutor;
        this.clock = clock;
        this.ticker = ticker;
        this.startTime = clock.millis();
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
        return List.of(new ClusterNodeInfo(localNode, "localhost", startTime, true));
    }

    @Override
    public long getClusterTime() {
        return clock.millis();
    }

    @Override
    public void doClusterTask(ClusterTask<?> task) {
        // no other nodes
    }

    @Override
    public void doClusterTask(ClusterTask<?> task, NodeID nodeId) {
        requireLocal(nodeId);
        taskExecutor.execute(() -> {
            try {
                task.execute(context.get());
            } catch (Exception e) {
                LOG.warn("Cluster task {} failed on this node", task.getClass().getName(), e);
            }
        });
    }

    @Override
    public <V> ClusterTaskResults<V> doSynchronousClusterTask(ClusterTask<V> task, boolean includeLocal, Duration timeout) {
        if (!includeLocal) {
            return ClusterTaskResults.empty();
        }
        try {
            V result = runLocally(task, timeout);
            return new ClusterTaskResults<>(java.util.Collections.singletonMap(localNode, result), Map.of());
        } catch (ClusterException e) {
            return new ClusterTaskResults<>(Map.of(), Map.of(localNode, e.getCause() == null ? e : e.getCause()));
        }
    }

    @Override
    public <V> V doSynchronousClusterTask(ClusterTask<V> task, NodeID nodeId, Duration timeout) {
        requireLocal(nodeId);
        return runLocally(task, timeout);
    }

    @Override
    public void updateCacheStats(Collection<CacheStats> localStats) {
        publishedStats = List.copyOf(localStats);
    }

    @Override
    public Map<NodeID, List<CacheStats>> getCacheStats() {
        return Map.of(localNode, publishedStats);
    }

    private void requireLocal(NodeID nodeId) {
        if (!localNode.equals(nodeId)) {
            throw new UnknownClusterNodeException(nodeId);
        }
    }

    private <V> V runLocally(ClusterTask<V> task, Duration timeout) {
        Future<V> future = taskExecutor.submit(() -> task.execute(context.get()));
        try {
            return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new ClusterException("task " + task.getClass().getName() + " did not finish within " + timeout, e);
        } catch (ExecutionException e) {
            throw new ClusterException("task " + task.getClass().getName() + " failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted while waiting for task " + task.getClass().getName(), e);
        }
    }
}
