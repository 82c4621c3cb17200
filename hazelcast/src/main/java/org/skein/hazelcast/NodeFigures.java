package org.skein.hazelcast;

import org.skein.hazelcast.cluster.HazelcastProvider;
import org.skein.hazelcast.routing.HazelcastPacketRouter;
import org.skein.hazelcast.routing.RouterFigures;

/**
 * What the plugin offers its own cluster tasks ({@link NodeFiguresTask}, {@link RouterFiguresTask}) on
 * each node: the figures of that node's clustering. Registered by the plugin for cluster tasks while it
 * is loaded, so a task reaches its plugin by type, with no cast.
 */
final class NodeFigures {

    private final HazelcastProvider provider;

    NodeFigures(HazelcastProvider provider) {
        this.provider = provider;
    }

    /** How many objects from the cluster the deserialization allowlist refused on this node. */
    long refusedObjects() {
        return provider.rejectedObjects();
    }

    /** This node's packet router counters, or "not running" when the node is not a member. */
    RouterFigures routerFigures() {
        HazelcastPacketRouter router = provider.packetRouter();
        return router == null ? RouterFigures.notRunning() : router.figures();
    }
}
