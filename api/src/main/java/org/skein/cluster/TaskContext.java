package org.skein.cluster;

import java.util.Optional;

/**
 * What a {@link ClusterTask} is handed on the node it runs on: that node's id and the services their
 * owners registered for tasks. A task names only what it uses; it never gets the whole node.
 *
 * <p>A service is registered by type, by the part of the node (or the plugin) that owns it, for as
 * long as it serves tasks:
 * <pre>{@code
 * // the owner, once (a plugin closes the registration in destroyPlugin)
 * Registration registration = clusterManager.registerTaskService(Greeter.class, greeter);
 *
 * // the task, on whichever node it runs
 * public String execute(TaskContext context) {
 *     return context.service(Greeter.class).greet();
 * }
 * }</pre>
 * A plugin's task finds its own plugin's service this way, with no cast: the task's class and the
 * service type come from the same plugin class loader on the node where it runs.
 *
 * <p>Thread-safe: tasks run on several threads at once.
 */
public interface TaskContext {

    /** The node the task runs on. */
    NodeID nodeId();

    /**
     * The service registered under this type on this node.
     *
     * @throws ClusterException if none is registered (the owner is not loaded on this node, or was
     *         stopped): the caller of a synchronous task gets it, an asynchronous task's failure is logged
     */
    default <T> T service(Class<T> type) {
        return findService(type).orElseThrow(() -> new ClusterException("node " + nodeId()
                + " has no service " + type.getName() + " registered for cluster tasks"));
    }

    /** The service registered under this type on this node, if there is one. */
    <T> Optional<T> findService(Class<T> type);
}
