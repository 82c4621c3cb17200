package org.skein.clustering;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.skein.cluster.ClusterException;
import org.skein.cluster.ClusterTask;
import org.skein.cluster.ClusterTaskResults;
import org.skein.cluster.NodeID;
import org.skein.cluster.TaskContext;
import org.skein.cluster.UnknownClusterNodeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster tasks of a node that is alone, a cluster of one: tasks for the other nodes do nothing,
 * tasks that include this node run here, on the node's bounded task executor, with its task context.
 */
final class LocalTasks {

    private static final Logger LOG = LoggerFactory.getLogger(LocalTasks.class);

    private final NodeID localNode;
    private final TaskContext context;
    private final ExecutorService executor;

    LocalTasks(TaskContext context, ExecutorService executor) {
        this.localNode = context.nodeId();
        this.context = context;
        this.executor = executor;
    }

    void toNode(ClusterTask<?> task, NodeID nodeId) {
        requireLocal(nodeId);
        try {
            executor.execute(() -> {
                try {
                    task.execute(context);
                } catch (Exception | LinkageError e) {
                    LOG.warn("Cluster task {} failed on this node", task.getClass().getName(), e);
                }
            });
        } catch (RejectedExecutionException e) {
            throw new ClusterException("node " + localNode + " runs no more cluster tasks (its queue is full or it stops)", e);
        }
    }

    <V> ClusterTaskResults<V> everywhere(ClusterTask<V> task, boolean includeLocal, Duration timeout) {
        if (!includeLocal) {
            return ClusterTaskResults.empty();
        }
        try {
            V result = onNode(task, localNode, timeout);
            return new ClusterTaskResults<>(Collections.singletonMap(localNode, result), Map.of());
        } catch (ClusterException e) {
            return new ClusterTaskResults<>(Map.of(), Map.of(localNode, e.getCause() == null ? e : e.getCause()));
        }
    }

    <V> V onNode(ClusterTask<V> task, NodeID nodeId, Duration timeout) {
        requireLocal(nodeId);
        Future<V> future;
        try {
            future = executor.submit(() -> task.execute(context));
        } catch (RejectedExecutionException e) {
            throw new ClusterException("node " + localNode + " runs no more cluster tasks (its queue is full or it stops)", e);
        }
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

    private void requireLocal(NodeID nodeId) {
        if (!localNode.equals(nodeId)) {
            throw new UnknownClusterNodeException(nodeId);
        }
    }
}
