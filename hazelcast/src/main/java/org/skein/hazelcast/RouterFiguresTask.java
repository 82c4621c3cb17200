package org.skein.hazelcast;

import org.skein.cluster.ClusterTask;
import org.skein.cluster.TaskContext;
import org.skein.hazelcast.routing.RouterFigures;

/** Reads the packet router counters of the node it runs on, for the node page. */
final class RouterFiguresTask implements ClusterTask<RouterFigures> {

    private static final long serialVersionUID = 1L;

    @Override
    public RouterFigures execute(TaskContext context) {
        return context.findService(NodeFigures.class).map(NodeFigures::routerFigures).orElse(RouterFigures.notRunning());
    }
}
