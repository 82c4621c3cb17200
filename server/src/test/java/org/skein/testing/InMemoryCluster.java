package org.skein.testing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import org.skein.ServerContext;
import org.skein.cluster.NodeID;

/**
 * A cluster that lives in one JVM, for tests of the server's clustering logic without a clustering
 * library: shared maps instead of distributed maps, direct calls instead of network messages. Values
 * and tasks still go through Java serialization, so a value that could not travel between real nodes
 * fails here too.
 *
 * <p>Create one per test, give each node an {@link InMemoryClusterStrategy} with {@link #strategyFor},
 * and register it with the node's cache factory. Members are ordered by join time; the first is the
 * senior member. {@link InMemoryClusterStrategy#crash()} removes a member without a clean leave.
 */
public final class InMemoryCluster {

    final Map<String, ConcurrentHashMap<Object, Object>> maps = new ConcurrentHashMap<>();
    final Map<String, ConcurrentHashMap<Object, ReentrantLock>> locks = new ConcurrentHashMap<>();
    final Map<String, List<SharedListener>> listeners = new ConcurrentHashMap<>();
    final Map<NodeID, List<org.skein.cache.CacheStats>> stats = new ConcurrentHashMap<>();
    private final List<InMemoryClusterStrategy> members = new CopyOnWriteArrayList<>();

    /** A strategy that makes {@code node} a member of this cluster when it starts clustering. */
    public InMemoryClusterStrategy strategyFor(ServerContext node) {
        return new InMemoryClusterStrategy(this, node);
    }

    /** The members in join order; the first is the senior. */
    public List<InMemoryClusterStrategy> members() {
        return List.copyOf(members);
    }

    /** The shared content of a cache, as every member sees it. */
    public Map<Object, Object> content(String cacheName) {
        return Map.copyOf(maps.getOrDefault(cacheName, new ConcurrentHashMap<>()));
    }

    Optional<InMemoryClusterStrategy> member(NodeID nodeId) {
        return members.stream().filter(m -> m.nodeId().equals(nodeId)).findFirst();
    }

    synchronized void join(InMemoryClusterStrategy member) {
        if (!members.contains(member)) {
            members.add(member);
        }
    }

    synchronized boolean leave(InMemoryClusterStrategy member) {
        return members.remove(member);
    }

    boolean isSenior(InMemoryClusterStrategy member) {
        List<InMemoryClusterStrategy> current = members;
        return !current.isEmpty() && current.get(0) == member;
    }

    List<InMemoryClusterStrategy> others(InMemoryClusterStrategy member) {
        List<InMemoryClusterStrategy> result = new ArrayList<>(members);
        result.remove(member);
        return result;
    }

    /** A copy of {@code value} made by serializing it, as a network hop would. */
    @SuppressWarnings("unchecked")
    static <T> T travel(T value, ClassLoader loader) {
        if (value == null) {
            return null;
        }
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(value);
            }
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray())) {
                @Override
                protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
                    try {
                        return Class.forName(desc.getName(), false, loader);
                    } catch (ClassNotFoundException e) {
                        return super.resolveClass(desc);
                    }
                }
            }) {
                return (T) in.readObject();
            }
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalArgumentException("value of " + value.getClass().getName() + " cannot travel between nodes: " + e, e);
        }
    }

    record SharedListener(String id, NodeID node, org.skein.cache.CacheEntryListener<Object, Object> listener,
                          boolean includeValues, boolean includeLocal) implements Serializable {
    }
}
