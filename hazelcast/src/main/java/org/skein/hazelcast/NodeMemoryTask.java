package org.skein.hazelcast;

import java.util.HashMap;
import org.skein.ServerContext;
import org.skein.cluster.ClusterTask;

/** Reads the heap figures of the node it runs on, in bytes: {@code free}, {@code total}, {@code max}. */
final class NodeMemoryTask implements ClusterTask<HashMap<String, Long>> {

    private static final long serialVersionUID = 1L;

    @Override
    public HashMap<String, Long> execute(ServerContext node) {
        Runtime runtime = Runtime.getRuntime();
        HashMap<String, Long> memory = new HashMap<>();
        memory.put("free", runtime.freeMemory());
        memory.put("total", runtime.totalMemory());
        memory.put("max", runtime.maxMemory());
        return memory;
    }
}
