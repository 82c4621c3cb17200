package org.skein.cluster;

import java.io.Serializable;
import org.skein.ServerContext;

/**
 * Work that runs on another node (or on every node) of the cluster and may return a result: session
 * counts, packet delivery, cache statistics and the like. Run it through the cache factory's
 * {@code doClusterTask} and {@code doSynchronousClusterTask} methods.
 *
 * <p>A task is serialized and sent to the target node, so it and its result must be
 * {@link Serializable} and their classes must exist on the target node (the server's classes, or a
 * plugin's classes when that plugin is loaded there). On the target it is handed that node's
 * {@link ServerContext}: a task never reaches for global state.
 *
 * <p>Tasks run on a bounded executor of the target node, not on a network thread; they may block
 * briefly but should not wait on other cluster tasks.
 *
 * @param <V> the result type, {@link Void} for none
 */
@FunctionalInterface
public interface ClusterTask<V> extends Serializable {

    /**
     * Runs the task on the node it was sent to.
     *
     * @param node the context of the node this task runs on
     * @return the result, sent back to the caller of a synchronous task; may be {@code null}
     * @throws Exception reported to the caller of a synchronous task, logged for an asynchronous one
     */
    V execute(ServerContext node) throws Exception;
}
