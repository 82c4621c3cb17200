package org.skein.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.skein.ServerContext;
import org.skein.cache.Cache;
import org.skein.cache.CacheFactoryStrategy;
import org.skein.cache.CacheSettings;
import org.skein.cache.CacheStats;
import org.skein.cluster.ClusterException;
import org.skein.cluster.ClusterNodeInfo;
import org.skein.cluster.ClusterTask;
import org.skein.cluster.ClusterTaskResults;
import org.skein.cluster.NodeID;
import org.skein.cluster.UnknownClusterNodeException;

/**
 * One node's membership of an {@link InMemoryCluster}: a clustered {@link CacheFactoryStrategy} that
 * follows the contract a real clustering plugin follows (fire this node's join and wait, then tell
 * the others; fire this node's leave and wait, then leave). Close it to stop its task thread.
 */
public final class InMemoryClusterStrategy implements CacheFactoryStrategy, AutoCloseable {

    private final InMemoryCluster cluster;
    private final ServerContext node;
    private final ExecutorService executor;
    private volatile long joinedTime;
    private volatile boolean member;

    InMemoryClusterStrategy(InMemoryCluster cluster, ServerContext node) {
        this.cluster = cluster;
        this.node = node;
        this.executor = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "in-memory-cluster-" + node.nodeId());
            thread.setDaemon(true);
            return thread;
        });
    }

    public NodeID nodeId() {
        return node.nodeId();
    }

    public ServerContext node() {
        return node;
    }

    public boolean isMember() {
        return member;
    }

    @Override
    public String name() {
        return "in-memory";
    }

    @Override
    public boolean startCluster() {
        joinedTime = System.currentTimeMillis();
        cluster.join(this);
        member = true;
        node.clusterManager().fireJoinedCluster(true);
        if (cluster.isSenior(this)) {
            node.clusterManager().fireMarkedAsSeniorClusterMember();
        }
        for (InMemoryClusterStrategy other : cluster.others(this)) {
            other.node.clusterManager().fireJoinedCluster(nodeId(), false);
        }
        return true;
    }

    @Override
    public void stopCluster() {
        if (!member) {
            return;
        }
        node.clusterManager().fireLeftCluster(true);
        leaveAndTellOthers();
    }

    /** Drops out of the cluster without a clean leave, as a killed process would. */
    public void crash() {
        leaveAndTellOthers();
    }

    private void leaveAndTellOthers() {
        boolean wasSenior = cluster.isSenior(this);
        member = false;
        if (!cluster.leave(this)) {
            return;
        }
        List<InMemoryClusterStrategy> others = cluster.others(this);
        for (InMemoryClusterStrategy other : others) {
            other.node.clusterManager().fireLeftCluster(nodeId(), false);
        }
        if (wasSenior && !others.isEmpty()) {
            cluster.members().get(0).node.clusterManager().fireMarkedAsSeniorClusterMember();
        }
    }

    @Override
    public <K, V> Cache<K, V> createCache(String name, CacheSettings settings) {
        return new InMemoryClusteredCache<>(cluster, name, nodeId(), settings);
    }

    @Override
    public void destroyCache(Cache<?, ?> cache) {
        // shared content stays for the other members
    }

    @Override
    public boolean isSeniorClusterMember() {
        return !member || cluster.isSenior(this);
    }

    @Override
    public NodeID getSeniorClusterMember() {
        List<InMemoryClusterStrategy> members = cluster.members();
        return members.isEmpty() ? nodeId() : members.get(0).nodeId();
    }

    @Override
    public Collection<ClusterNodeInfo> getClusterNodesInfo() {
        List<ClusterNodeInfo> infos = new ArrayList<>();
        for (InMemoryClusterStrategy m : cluster.members()) {
            infos.add(new ClusterNodeInfo(m.nodeId(), "in-memory", m.joinedTime, cluster.isSenior(m)));
        }
        return infos;
    }

    @Override
    public long getClusterTime() {
        return System.currentTimeMillis();
    }

    @Override
    public void doClusterTask(ClusterTask<?> task) {
        for (InMemoryClusterStrategy other : cluster.others(this)) {
            other.submit(InMemoryCluster.travel(task, getClass().getClassLoader()));
        }
    }

    @Override
    public void doClusterTask(ClusterTask<?> task, NodeID nodeId) {
        target(nodeId).submit(InMemoryCluster.travel(task, getClass().getClassLoader()));
    }

    @Override
    public <V> ClusterTaskResults<V> doSynchronousClusterTask(ClusterTask<V> task, boolean includeLocal, Duration timeout) {
        Map<NodeID, CompletableFuture<V>> futures = new LinkedHashMap<>();
        for (InMemoryClusterStrategy m : cluster.members()) {
            if (m != this || includeLocal) {
                futures.put(m.nodeId(), m.submit(InMemoryCluster.travel(task, getClass().getClassLoader())));
            }
        }
        if (!member && includeLocal) {
            futures.put(nodeId(), submit(task));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<NodeID, V> results = new LinkedHashMap<>();
        Map<NodeID, Throwable> failures = new HashMap<>();
        futures.forEach((id, future) -> {
            try {
                results.put(id, future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (TimeoutException e) {
                failures.put(id, e);
            } catch (ExecutionException e) {
                failures.put(id, e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failures.put(id, e);
            }
        });
        return new ClusterTaskResults<>(results, failures);
    }

    @Override
    public <V> V doSynchronousClusterTask(ClusterTask<V> task, NodeID nodeId, Duration timeout) {
        try {
            return target(nodeId).submit(InMemoryCluster.travel(task, getClass().getClassLoader()))
                    .get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new ClusterException("task timed out on " + nodeId, e);
        } catch (ExecutionException e) {
            throw new ClusterException("task failed on " + nodeId + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted", e);
        }
    }

    @Override
    public void updateCacheStats(Collection<CacheStats> localStats) {
        cluster.stats.put(nodeId(), List.copyOf(localStats));
    }

    @Override
    public Map<NodeID, List<CacheStats>> getCacheStats() {
        return Map.copyOf(cluster.stats);
    }

    private InMemoryClusterStrategy target(NodeID nodeId) {
        if (nodeId.equals(nodeId()) && !member) {
            return this;
        }
        return cluster.member(nodeId).orElseThrow(() -> new UnknownClusterNodeException(nodeId));
    }

    private <V> CompletableFuture<V> submit(ClusterTask<V> task) {
        CompletableFuture<V> future = new CompletableFuture<>();
        executor.execute(() -> {
            try {
                future.complete(task.execute(node.clusterManager().taskContext()));
            } catch (Throwable e) {
                future.completeExceptionally(e);
            }
        });
        return future;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
