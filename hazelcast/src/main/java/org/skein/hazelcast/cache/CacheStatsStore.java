package org.skein.hazelcast.cache;

import com.hazelcast.map.IMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.skein.cache.CacheStats;
import org.skein.cluster.NodeID;

/**
 * The cache statistics every node publishes for the admin console: one entry per node in the map
 * {@value #MAP_NAME}, written only by that node, removed when it leaves (by itself, or by the
 * senior member when it crashed).
 */
final class CacheStatsStore {

    static final String MAP_NAME = "skein-cache-stats";

    private final IMap<String, ArrayList<CacheStats>> map;

    CacheStatsStore(IMap<String, ArrayList<CacheStats>> map) {
        this.map = map;
    }

    void publish(NodeID node, Collection<CacheStats> stats) {
        map.set(node.value(), new ArrayList<>(stats));
    }

    void remove(NodeID node) {
        map.delete(node.value());
    }

    /** The figures of the nodes that are members now. */
    Map<NodeID, List<CacheStats>> read(Predicate<NodeID> isMember) {
        Map<NodeID, List<CacheStats>> result = new TreeMap<>();
        for (Map.Entry<String, ArrayList<CacheStats>> entry : map.entrySet()) {
            NodeID node = NodeID.of(entry.getKey());
            if (isMember.test(node)) {
                result.put(node, List.copyOf(entry.getValue()));
            }
        }
        return result;
    }
}
