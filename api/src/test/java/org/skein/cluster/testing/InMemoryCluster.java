package org.skein.cluster.testing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import org.skein.cache.CacheEntryListener;
import org.skein.cache.CacheStats;
import org.skein.cluster.NodeID;

/**
 * A cluster that lives in one JVM, for tests of the clustering core and of the server without a
 * clustering library: shared maps instead of distributed maps, direct calls instead of network
 * messages. Values and tasks still go through Java serialization, so a value that could not travel
 * between real nodes fails here too.
 *
 * <p>Each node registers a provider from {@link #provider()} with its cluster manager; the cluster
 * manager runs the same protocol as with the Hazelcast plugin. Members are ordered by join time; the
 * first is the senior member. The test drives what a network does: {@link #crash} (a killed process),
 * {@link #lose} (the library stops the member on its own), {@link #split} and {@link #heal} (a split
 * brain and the merge of the smaller side into the larger, entries merged put-if-absent as the plugin's
 * maps are configured).
 *
 * <p>Thread-safe; changes of membership are serialized.
 */
public final class InMemoryCluster {

    private final List<Side> sides = new CopyOnWriteArrayList<>();

    public InMemoryCluster() {
        sides.add(new Side());
    }

    /** A provider that makes the node that registers it a member of this cluster when it joins. */
    public InMemoryProvider provider() {
        return new InMemoryProvider(this);
    }

    /** Every member in join order, over all sides of a split. */
    public synchronized List<NodeID> members() {
        List<NodeID> all = new ArrayList<>();
        for (Side side : sides) {
            side.members.forEach(m -> all.add(m.nodeId()));
        }
        return all;
    }

    /** The shared content of a cache as the side of the first member (or the only side) holds it. */
    public Map<Object, Object> content(String cacheName) {
        return Map.copyOf(sides.get(0).map(cacheName));
    }

    /** The shared content of a cache as a member's side holds it. */
    public Map<Object, Object> content(String cacheName, NodeID member) {
        return Map.copyOf(find(member).orElseThrow(() -> new IllegalArgumentException(member + " is not a member"))
                .side().map(cacheName));
    }

    // --- what the network does ---

    /**
     * A member stops without a word, as a killed process: the others are told it left. Its node is not
     * told anything; its caches no longer reach the cluster.
     */
    public synchronized void crash(NodeID node) {
        cutOff(require(node));
    }

    /** The library stops a member on its own: its node is told it lost its membership, the others that it left. */
    public synchronized void lose(NodeID node, String reason) {
        InMemoryMember member = require(node);
        cutOff(member);
        member.events().memberLost(reason);
    }

    /** Takes a member off its side without a word to it; the others on that side are told it left. */
    private void cutOff(InMemoryMember member) {
        Side side = member.side();
        side.remove(member);
        member.detachToItsOwn(new Side());
        member.stopTasks();
        for (InMemoryMember other : List.copyOf(side.members)) {
            other.events().memberLeft(member.nodeId());
        }
    }

    /**
     * Cuts the cluster in two: the given members form one side, the others the other side. Each side
     * keeps a copy of the shared content and goes on as a cluster of its own; each member is told that
     * the members of the other side left.
     */
    public synchronized void split(Set<NodeID> oneSide) {
        if (sides.size() != 1) {
            throw new IllegalStateException("the cluster is split already");
        }
        Side before = sides.get(0);
        Side cut = before.copyFor(oneSide);
        sides.add(cut);
        for (InMemoryMember member : List.copyOf(cut.members)) {
            before.remove(member);
            member.moveTo(cut);
        }
        for (InMemoryMember member : cut.members) {
            before.members.forEach(other -> member.events().memberLeft(other.nodeId()));
        }
        for (InMemoryMember member : before.members) {
            cut.members.forEach(other -> member.events().memberLeft(other.nodeId()));
        }
    }

    /**
     * Ends a split: the smaller side (the later one when both are as large) merges into the larger. Its
     * members are told the merge starts, the entries of its maps go into the larger side's maps where
     * the key is absent there, its members join the larger side, and they are told the merge ended.
     */
    public synchronized void heal() {
        if (sides.size() != 2) {
            throw new IllegalStateException("the cluster is not split");
        }
        Side first = sides.get(0);
        Side second = sides.get(1);
        Side larger = first.members.size() >= second.members.size() ? first : second;
        Side smaller = larger == first ? second : first;
        List<InMemoryMember> merging = List.copyOf(smaller.members);
        merging.forEach(m -> m.events().mergeStarted());
        smaller.maps.forEach((name, map) -> {
            ConcurrentHashMap<Object, Object> target = larger.map(name);
            map.forEach((key, value) -> {
                if (target.putIfAbsent(key, value) == null) {
                    larger.fire(name, null, key, null, value);
                }
            });
        });
        for (InMemoryMember member : merging) {
            smaller.remove(member);
            larger.add(member);
            member.moveTo(larger);
        }
        sides.remove(smaller);
        merging.forEach(m -> m.events().mergeEnded(true));
    }

    // --- for the members ---

    synchronized void join(InMemoryMember member) {
        Side side = sides.get(0);
        side.add(member);
        member.moveTo(side);
    }

    synchronized void leave(InMemoryMember member) {
        Side side = member.side();
        if (side == null || !side.members.contains(member)) {
            return;
        }
        side.remove(member);
        member.detachToItsOwn(new Side());
        for (InMemoryMember other : List.copyOf(side.members)) {
            other.events().memberLeft(member.nodeId());
        }
    }

    synchronized Optional<InMemoryMember> find(NodeID node) {
        for (Side side : sides) {
            for (InMemoryMember member : side.members) {
                if (member.nodeId().equals(node)) {
                    return Optional.of(member);
                }
            }
        }
        return Optional.empty();
    }

    private InMemoryMember require(NodeID node) {
        return find(node).orElseThrow(() -> new IllegalArgumentException(node + " is not a member"));
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

    /**
     * One side of the cluster (the whole cluster when it is not split): its members in join order, its
     * maps, locks, entry listeners and published statistics.
     */
    static final class Side {
        final List<InMemoryMember> members = new CopyOnWriteArrayList<>();
        final Map<String, ConcurrentHashMap<Object, Object>> maps = new ConcurrentHashMap<>();
        final Map<String, ConcurrentHashMap<Object, ReentrantLock>> locks = new ConcurrentHashMap<>();
        final Map<String, List<SharedListener>> listeners = new ConcurrentHashMap<>();
        final Map<NodeID, List<CacheStats>> stats = new ConcurrentHashMap<>();

        ConcurrentHashMap<Object, Object> map(String name) {
            return maps.computeIfAbsent(name, n -> new ConcurrentHashMap<>());
        }

        ReentrantLock lock(String name, Object key) {
            return locks.computeIfAbsent(name, n -> new ConcurrentHashMap<>()).computeIfAbsent(key, k -> new ReentrantLock());
        }

        List<SharedListener> listeners(String name) {
            return listeners.computeIfAbsent(name, n -> new CopyOnWriteArrayList<>());
        }

        void add(InMemoryMember member) {
            if (!members.contains(member)) {
                members.add(member);
            }
        }

        void remove(InMemoryMember member) {
            members.remove(member);
            listeners.values().forEach(list -> list.removeIf(l -> l.node().equals(member.nodeId())));
        }

        /** A new side for some of this side's members, with a copy of the content and their listeners. */
        Side copyFor(Set<NodeID> nodes) {
            Side copy = new Side();
            maps.forEach((name, map) -> copy.maps.put(name, new ConcurrentHashMap<>(map)));
            listeners.forEach((name, list) -> {
                for (SharedListener l : list) {
                    if (nodes.contains(l.node())) {
                        copy.listeners(name).add(l);
                    }
                }
            });
            for (InMemoryMember member : members) {
                if (nodes.contains(member.nodeId())) {
                    copy.members.add(member);
                }
            }
            stats.forEach((node, s) -> copy.stats.put(node, s));
            listeners.values().forEach(list -> list.removeIf(l -> nodes.contains(l.node())));
            return copy;
        }

        /** Tells the listeners of a cache of a change made on {@code origin}. */
        @SuppressWarnings({"unchecked", "rawtypes"})
        void fire(String name, NodeID origin, Object key, Object oldValue, Object newValue) {
            for (SharedListener l : listeners.getOrDefault(name, List.of())) {
                if (!l.includeLocal() && l.node().equals(origin)) {
                    continue;
                }
                CacheEntryListener listener = l.listener();
                Object o = l.includeValues() ? oldValue : null;
                Object n = l.includeValues() ? newValue : null;
                try {
                    if (oldValue == null && newValue != null) {
                        listener.entryAdded(key, n, origin);
                    } else if (oldValue != null && newValue == null) {
                        listener.entryRemoved(key, o, origin);
                    } else if (oldValue != null) {
                        listener.entryUpdated(key, o, n, origin);
                    }
                } catch (RuntimeException e) {
                    // a listener's failure stays with the listener, as on a real member's event thread
                }
            }
        }

        void fireCleared(String name, NodeID origin) {
            for (SharedListener l : listeners.getOrDefault(name, List.of())) {
                if (l.includeLocal() || !l.node().equals(origin)) {
                    l.listener().mapCleared(origin);
                }
            }
        }

        Collection<InMemoryMember> others(InMemoryMember member) {
            List<InMemoryMember> others = new ArrayList<>(members);
            others.remove(member);
            return others;
        }

        Map<NodeID, List<CacheStats>> statsOfMembers() {
            Map<NodeID, List<CacheStats>> result = new HashMap<>();
            for (InMemoryMember member : members) {
                List<CacheStats> s = stats.get(member.nodeId());
                if (s != null) {
                    result.put(member.nodeId(), s);
                }
            }
            return result;
        }
    }

    record SharedListener(String id, NodeID node, CacheEntryListener<Object, Object> listener,
                          boolean includeValues, boolean includeLocal) implements Serializable {
    }
}
