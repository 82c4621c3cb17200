package org.skein.cluster;

import java.io.Serializable;

/**
 * Work that runs on another node (or on every node) of the cluster and may return a result: session
 * counts, a session to close, figures for the admin console and the like. Send it with the node's
 * cluster manager ({@code doClusterTask}, {@code doSynchronousClusterTask}).
 *
 * <p>A task is serialized and sent to the target node, so it and its result must be
 * {@link Serializable} and their classes must exist on the target node (the server's classes, or a
 * plugin's classes when that plugin is loaded there). Keep its fields to plain values (strings, ids):
 * see {@code org.skein.session.SessionTasks}.
 *
 * <p>On the target it is handed a {@link TaskContext}: the node's id and the services registered for
 * tasks there. It names only what it uses and never reaches for global state or for the whole node.
 *
 * <p>Tasks run on a bounded executor of the target node, not on a network thread and not on the
 * node's cluster lifecycle thread; they may block briefly but should not wait on other cluster tasks.
 *
 * @param <V> the result type, {@link Void} for none
 */
@FunctionalInterface
public interface ClusterTask<V> extends Serializable {

    /**
     * Runs the task on the node it was sent to.
     *
     * @param context the id of the node this task runs on and its services for tasks
     * @return the result, sent back to the caller of a synchronous task; may be {@code null}
     * @throws Exception reported to the caller of a synchronous task, logged for an asynchronous one
     */
    V execute(TaskContext context) throws Exception;
}
