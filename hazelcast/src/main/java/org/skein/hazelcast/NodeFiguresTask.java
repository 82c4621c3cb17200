package org.skein.hazelcast;

import java.util.HashMap;
import org.skein.cluster.ClusterTask;
import org.skein.cluster.TaskContext;

/**
 * Reads the figures of the node it runs on for the node page: heap in bytes ({@code free},
 * {@code total}, {@code max}) and {@code refused}, the objects from the cluster that the
 * deserialization allowlist refused there.
 */
final class NodeFiguresTask implements ClusterTask<HashMap<String, Long>> {

    private static final long serialVersionUID = 1L;

    @Override
    public HashMap<String, Long> execute(TaskContext context) {
        Runtime runtime = Runtime.getRuntime();
        HashMap<String, Long> figures = new HashMap<>();
        figures.put("free", runtime.freeMemory());
        figures.put("total", runtime.totalMemory());
        figures.put("max", runtime.maxMemory());
        figures.put("refused", context.findService(NodeFigures.class).map(NodeFigures::refusedObjects).orElse(0L));
        return figures;
    }
}
