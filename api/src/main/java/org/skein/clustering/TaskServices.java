package org.skein.clustering;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.skein.cluster.NodeID;
import org.skein.cluster.Registration;
import org.skein.cluster.TaskContext;

/**
 * The services one node offers its cluster tasks, by type: the {@link TaskContext} every task that runs
 * on the node is handed. One per node, owned by its cluster manager; services are registered through
 * {@link ClusterManager#registerTaskService}. Thread-safe.
 */
final class TaskServices implements TaskContext {

    private final NodeID nodeId;
    private final Map<Class<?>, Object> services = new ConcurrentHashMap<>();

    TaskServices(NodeID nodeId) {
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
    }

    @Override
    public NodeID nodeId() {
        return nodeId;
    }

    @Override
    public <T> Optional<T> findService(Class<T> type) {
        return Optional.ofNullable(services.get(Objects.requireNonNull(type, "type"))).map(type::cast);
    }

    /**
     * Registers a service under its type.
     *
     * @throws IllegalStateException if another service is registered under the type
     */
    <T> Registration register(Class<T> type, T service) {
        Objects.requireNonNull(type, "type");
        Object instance = type.cast(Objects.requireNonNull(service, "service"));
        Object previous = services.putIfAbsent(type, instance);
        if (previous != null && previous != instance) {
            throw new IllegalStateException("node " + nodeId + " has a service " + type.getName()
                    + " for cluster tasks already: " + previous);
        }
        return Registration.once(() -> services.remove(type, instance));
    }

    @Override
    public String toString() {
        return "TaskServices{" + nodeId + ", " + services.keySet() + "}";
    }
}
