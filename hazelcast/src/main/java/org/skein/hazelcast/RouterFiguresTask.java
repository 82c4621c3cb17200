package org.skein.hazelcast;

import org.skein.ServerContext;
import org.skein.cluster.ClusterTask;
import org.skein.hazelcast.cluster.HazelcastClusterStrategy;
import org.skein.hazelcast.routing.HazelcastPacketRouter;
import org.skein.hazelcast.routing.RouterFigures;

/** Reads the packet router counters of the node it runs on, for the node page. */
final class RouterFiguresTask implements ClusterTask<RouterFigures> {

    private static final long serialVersionUID = 1L;

    @Override
    public RouterFigures execute(ServerContext node) {
        HazelcastPacketRouter router = node.cacheFactory().getClusteredStrategy()
                .filter(HazelcastClusterStrategy.class::isInstance)
                .map(strategy -> ((HazelcastClusterStrategy) strategy).packetRouter())
                .orElse(null);
        return router == null ? RouterFigures.notRunning() : router.figures();
    }
}
