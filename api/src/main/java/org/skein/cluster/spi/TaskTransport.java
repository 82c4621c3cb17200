package org.skein.cluster.spi;

import java.time.Duration;
import org.skein.cluster.ClusterException;
import org.skein.cluster.ClusterTask;
import org.skein.cluster.ClusterTaskResults;
import org.skein.cluster.NodeID;
import org.skein.cluster.UnknownClusterNodeException;

/**
 * Carries cluster tasks to other members, and runs the tasks that arrive here with the node's
 * {@link MemberContext#taskContext()}, on a bounded executor (never on a network thread, never on the
 * node's lifecycle thread). Tasks and results are serialized. Failures are never silent: a synchronous
 * caller gets them, an asynchronous task's failure is logged where it ran, a task that could not be
 * delivered is logged where it was sent.
 */
public interface TaskTransport {

    /** Runs the task on every other member, without waiting. */
    void toOthers(ClusterTask<?> task);

    /**
     * Runs the task on one member (which may be this one), without waiting.
     *
     * @throws UnknownClusterNodeException if the node is not a member
     */
    void toNode(ClusterTask<?> task, NodeID node);

    /**
     * Runs the task on the other members (and this one if {@code includeLocal}) and waits at most
     * {@code timeout} in all. Members that did not answer in time or failed are in the failures.
     */
    <V> ClusterTaskResults<V> everywhere(ClusterTask<V> task, boolean includeLocal, Duration timeout);

    /**
     * Runs the task on one member and waits at most {@code timeout} for its result.
     *
     * @throws UnknownClusterNodeException if the node is not a member
     * @throws ClusterException if the task failed (its exception as the cause) or timed out (a
     *         {@link java.util.concurrent.TimeoutException} as the cause)
     */
    <V> V onNode(ClusterTask<V> task, NodeID node, Duration timeout);
}
