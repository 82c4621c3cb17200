package org.skein.admin;

import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.TreeMap;
import org.skein.ServerContext;
import org.skein.cluster.ClusterTask;
import org.skein.cluster.NodeID;
import org.skein.cluster.TaskContext;
import org.skein.plugin.LoadedPlugin;

/**
 * What one node reports of itself for the console's node table: versions, memory, uptime, sessions.
 *
 * @param nodeId the node
 * @param serverVersion the server's version
 * @param plugins plugin id → version, of the plugins loaded there
 * @param heapUsed used heap in bytes
 * @param heapMax maximum heap in bytes
 * @param uptimeMillis how long the JVM has run
 * @param sessions the client sessions bound on the node
 */
public record NodeStatus(NodeID nodeId, String serverVersion, Map<String, String> plugins, long heapUsed, long heapMax,
                         long uptimeMillis, int sessions) implements Serializable {

    /** The node's status, taken on the node. */
    static NodeStatus of(ServerContext node) {
        Runtime runtime = Runtime.getRuntime();
        Map<String, String> plugins = new TreeMap<>();
        for (LoadedPlugin plugin : node.pluginManager().getPlugins()) {
            plugins.put(plugin.id(), plugin.descriptor().version());
        }
        return new NodeStatus(node.nodeId(), node.version(), plugins, runtime.totalMemory() - runtime.freeMemory(),
                runtime.maxMemory(), ManagementFactory.getRuntimeMXBean().getUptime(), node.sessionManager().getUserSessionsCount(true));
    }

    /** What every node registers for {@link Task}: takes the node's status there. */
    @FunctionalInterface
    interface Source {
        NodeStatus status();
    }

    /** Asks a node for its status. */
    public static final class Task implements ClusterTask<NodeStatus> {
        private static final long serialVersionUID = 1L;

        @Override
        public NodeStatus execute(TaskContext context) {
            return context.service(Source.class).status();
        }
    }
}
