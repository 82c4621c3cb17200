package org.skein.cache;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.skein.cluster.ClusterException;
import org.skein.cluster.ClusterNodeInfo;
import org.skein.cluster.ClusterTask;
import org.skein.cluster.ClusterTaskResults;
import org.skein.cluster.NodeID;
import org.skein.cluster.UnknownClusterNodeException;

/**
 * How a node's caches are stored and how its cluster work is done. Every node has the local strategy
 * (caches in this JVM, no other nodes). A clustering plugin provides a clustered strategy and
 * registers it with {@link CacheFactory#setClusteredStrategy}; the node switches to it when it joins
 * a cluster and back when it leaves.
 *
 * <h2>Lifecycle of a clustered strategy</h2>
 * <ol>
 *   <li>{@link #startCluster()} joins the cluster. Once the member is up, the strategy calls
 *       {@link org.skein.clustering.ClusterManager#fireJoinedCluster(boolean) fireJoinedCluster(true)};
 *       that swaps the node's caches to {@link #createCache clustered caches} and runs the listeners.
 *       Only then does the strategy tell the other nodes that this node joined
 *       ({@code fireJoinedCluster(nodeId, ...)} on each of them).</li>
 *   <li>Membership changes become {@code fireJoinedCluster(NodeID)}, {@code fireLeftCluster(NodeID)}
 *       and {@code fireMarkedAsSeniorClusterMember()} on the node's cluster manager.</li>
 *   <li>{@link #stopCluster()} calls {@code fireLeftCluster(true)} while the member still runs, waits
 *       for the listeners, then leaves and resets everything it set.</li>
 * </ol>
 *
 * <h2>Cluster tasks</h2>
 * Tasks run on the target node with that node's context, on a bounded executor of the target.
 * A task addressed to a node that is not a member fails with {@link UnknownClusterNodeException}.
 *
 * <p>Implementations are thread-safe.
 */
public interface CacheFactoryStrategy {

    /** A short name shown to operators: {@code local}, {@code hazelcast}. */
    String name();

    /**
     * Joins the cluster. Blocks until this node is a member and its joined event has been
     * processed, or until the strategy gives up.
     *
     * @return whether the node is now a member of a cluster
     */
    boolean startCluster();

    /** Leaves the cluster (see the class comment for the order of things). Does nothing if not a member. */
    void stopCluster();

    /**
     * Creates a cache. A clustered strategy returns a cache whose content is shared with the other
     * nodes; called again for the same name (on this or another node) it gives access to the same
     * content.
     */
    <K, V> Cache<K, V> createCache(String name, CacheSettings settings);

    /** Releases a cache this strategy created; a clustered strategy may keep the shared content. */
    void destroyCache(Cache<?, ?> cache);

    /** Whether this node is the senior (oldest) member; {@code true} when alone. */
    boolean isSeniorClusterMember();

    /** The senior member's id; this node's id when alone. */
    NodeID getSeniorClusterMember();

    /** The members of the cluster, this node included; only this node when alone. */
    Collection<ClusterNodeInfo> getClusterNodesInfo();

    default Optional<ClusterNodeInfo> getClusterNodeInfo(NodeID nodeId) {
        return getClusterNodesInfo().stream().filter(info -> info.nodeId().equals(nodeId)).findFirst();
    }

    /** Milliseconds since the epoch on a clock all members agree on (the local clock when alone). */
    long getClusterTime();

    /** Runs a task on every other node, without waiting. No-op when alone. */
    void doClusterTask(ClusterTask<?> task);

    /**
     * Runs a task on one node (which may be this one), without waiting.
     *
     * @throws UnknownClusterNodeException if the node is not a member
     */
    void doClusterTask(ClusterTask<?> task, NodeID nodeId);

    /**
     * Runs a task on every other node (and this one if {@code includeLocal}) and waits for the
     * results, at most {@code timeout} in all. Nodes that did not answer in time or failed are listed
     * in the results' failures; this method itself does not throw for them.
     */
    <V> ClusterTaskResults<V> doSynchronousClusterTask(ClusterTask<V> task, boolean includeLocal, Duration timeout);

    /**
     * Runs a task on one node and waits for its result.
     *
     * @throws UnknownClusterNodeException if the node is not a member
     * @throws ClusterException if the task failed (with its exception as the cause) or timed out
     *         (with a {@link java.util.concurrent.TimeoutException} as the cause)
     */
    <V> V doSynchronousClusterTask(ClusterTask<V> task, NodeID nodeId, Duration timeout);

    /** Publishes this node's cache statistics so that every node can read them. */
    void updateCacheStats(Collection<CacheStats> localStats);

    /** The latest published cache statistics of every node. */
    Map<NodeID, List<CacheStats>> getCacheStats();
}
