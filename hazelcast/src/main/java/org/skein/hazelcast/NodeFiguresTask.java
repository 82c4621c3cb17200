package org.skein.hazelcast;

import java.util.HashMap;
import org.skein.ServerContext;
import org.skein.hazelcast.cluster.HazelcastClusterStrategy;

/**
 * Reads the figures of the node it runs on for the node page: heap in bytes ({@code free},
 * {@code total}, {@code max}) and {@code refused}, the objects from the cluster that the
 * deserialization allowlist refused there.
 */
final class NodeFiguresTask implements org.skein.cluster.ClusterTask<HashMap<String, Long>> {

    private static final long serialVersionUID = 1L;

    @Override
    public HashMap<String, Long> execute(ServerContext node) {
        Runtime runtime = Runtime.getRuntime();
        HashMap<String, Long> figures = new HashMap<>();
        figures.put("free", runtime.freeMemory());
        figures.put("total", runtime.totalMemory());
        figures.put("max", runtime.maxMemory());
        long refused = node.cacheFactory().getClusteredStrategy()
                .filter(HazelcastClusterStrategy.class::isInstance)
                .map(strategy -> ((HazelcastClusterStrategy) strategy).rejectedObjects())
                .orElse(0L);
        figures.put("refused", refused);
        return figures;
    }
}
