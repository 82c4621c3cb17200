package org.skein.cluster.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.skein.cache.Cache;
import org.skein.cache.CacheSettings;
import org.skein.cache.CacheStats;
import org.skein.cache.CacheStorage;
import org.skein.cluster.ClusterException;
import org.skein.cluster.ClusterNodeInfo;
import org.skein.cluster.ClusterTask;
import org.skein.cluster.ClusterTaskResults;
import org.skein.cluster.NodeID;
import org.skein.cluster.UnknownClusterNodeException;
import org.skein.cluster.spi.ClusterMember;
import org.skein.cluster.spi.MemberContext;
import org.skein.cluster.spi.Membership;
import org.skein.cluster.spi.MembershipEvents;
import org.skein.cluster.spi.TaskTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's membership of an {@link InMemoryCluster}, with every part a clustering provider hands
 * over: the members of its side, caches on the side's maps, tasks on two threads of its own (run with
 * the node's task context, after a trip through serialization).
 */
public final class InMemoryMember implements ClusterMember {

    private static final Logger LOG = LoggerFactory.getLogger(InMemoryMember.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final InMemoryCluster cluster;
    private final MemberContext context;
    private final long joinedTime = System.currentTimeMillis();
    private final Map<Class<?>, Object> parts = new HashMap<>();
    private final ExecutorService executor;
    private volatile InMemoryCluster.Side side;

    InMemoryMember(InMemoryCluster cluster, MemberContext context, Map<Class<?>, Function<ClusterMember, ?>> partMakers) {
        this.cluster = cluster;
        this.context = context;
        this.executor = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "in-memory-tasks-" + context.nodeId() + "-" + THREADS.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        partMakers.forEach((type, maker) -> parts.put(type, maker.apply(this)));
    }

    public NodeID nodeId() {
        return context.nodeId();
    }

    MembershipEvents events() {
        return context.events();
    }

    /** Where this member reports facts to its node: a test reports one as a library would. */
    public MembershipEvents report() {
        return context.events();
    }

    InMemoryCluster.Side side() {
        return side;
    }

    void moveTo(InMemoryCluster.Side newSide) {
        this.side = newSide;
    }

    /** Out of the cluster (left, crashed, lost): its caches work on a side of their own. */
    void detachToItsOwn(InMemoryCluster.Side own) {
        this.side = own;
    }

    void stopTasks() {
        executor.shutdownNow();
    }

    /** Whether this member is in the cluster now (not left, crashed or lost). */
    public boolean isMember() {
        return cluster.find(nodeId()).filter(m -> m == this).isPresent();
    }

    @Override
    public Membership membership() {
        return new Membership() {
            @Override
            public List<ClusterNodeInfo> members() {
                List<ClusterNodeInfo> infos = new ArrayList<>();
                boolean first = true;
                for (InMemoryMember m : side.members) {
                    infos.add(new ClusterNodeInfo(m.nodeId(), "in-memory", m.joinedTime, first));
                    first = false;
                }
                return infos;
            }

            @Override
            public long clusterTime() {
                return System.currentTimeMillis();
            }
        };
    }

    @Override
    public CacheStorage caches() {
        return new CacheStorage() {
            @Override
            public String name() {
                return "in-memory";
            }

            @Override
            public <K, V> Cache<K, V> createCache(String name, CacheSettings settings) {
                return new InMemoryClusteredCache<>(InMemoryMember.this, name, settings);
            }

            @Override
            public void destroyCache(Cache<?, ?> cache) {
                if (cache instanceof InMemoryClusteredCache<?, ?> shared) {
                    shared.removeAllListeners();
                }
            }

            @Override
            public void publishStats(NodeID node, Collection<CacheStats> stats) {
                side.stats.put(node, List.copyOf(stats));
            }

            @Override
            public Map<NodeID, List<CacheStats>> stats() {
                return side.statsOfMembers();
            }

            @Override
            public void forgetStats(NodeID node) {
                side.stats.remove(node);
            }
        };
    }

    @Override
    public TaskTransport tasks() {
        return new TaskTransport() {
            @Override
            public void toOthers(ClusterTask<?> task) {
                for (InMemoryMember other : side.others(InMemoryMember.this)) {
                    other.submit(travel(task));
                }
            }

            @Override
            public void toNode(ClusterTask<?> task, NodeID node) {
                target(node).submit(travel(task));
            }

            @Override
            public <V> ClusterTaskResults<V> everywhere(ClusterTask<V> task, boolean includeLocal, Duration timeout) {
                Map<NodeID, CompletableFuture<V>> futures = new LinkedHashMap<>();
                for (InMemoryMember m : side.members) {
                    if (m != InMemoryMember.this || includeLocal) {
                        futures.put(m.nodeId(), m.submit(travel(task)));
                    }
                }
                long deadline = System.nanoTime() + timeout.toNanos();
                Map<NodeID, V> results = new LinkedHashMap<>();
                Map<NodeID, Throwable> failures = new LinkedHashMap<>();
                futures.forEach((id, future) -> {
                    try {
                        results.put(id, future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
                    } catch (TimeoutException e) {
                        failures.put(id, new TimeoutException("node " + id + " did not answer within " + timeout.toMillis() + " ms"));
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
            public <V> V onNode(ClusterTask<V> task, NodeID node, Duration timeout) {
                try {
                    return target(node).submit(travel(task)).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    throw new ClusterException("node " + node + " did not answer task " + task.getClass().getName()
                            + " within " + timeout.toMillis() + " ms", e);
                } catch (ExecutionException e) {
                    throw new ClusterException("task " + task.getClass().getName() + " failed on node " + node + ": " + e.getCause(),
                            e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ClusterException("interrupted while waiting for node " + node, e);
                }
            }
        };
    }

    @Override
    public <T> Optional<T> part(Class<T> type) {
        return Optional.ofNullable(parts.get(type)).map(type::cast);
    }

    @Override
    public void leave() {
        cluster.leave(this);
        stopTasks();
    }

    private <T> T travel(T task) {
        return InMemoryCluster.travel(task, getClass().getClassLoader());
    }

    private InMemoryMember target(NodeID node) {
        for (InMemoryMember m : side.members) {
            if (m.nodeId().equals(node)) {
                return m;
            }
        }
        throw new UnknownClusterNodeException(node);
    }

    private <V> CompletableFuture<V> submit(ClusterTask<V> task) {
        CompletableFuture<V> future = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    future.complete(task.execute(context.taskContext()));
                } catch (Throwable e) {
                    LOG.debug("Task {} failed on {}", task.getClass().getName(), nodeId(), e);
                    future.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            future.completeExceptionally(new UnknownClusterNodeException(nodeId()));
        }
        return future;
    }

    @Override
    public String toString() {
        return "InMemoryMember{" + nodeId() + "}";
    }
}
