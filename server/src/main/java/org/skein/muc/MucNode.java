package org.skein.muc;

import java.time.Clock;
import java.util.concurrent.ExecutorService;
import org.skein.blocking.BlockingPolicy;
import org.skein.cache.Cache;
import org.skein.cache.CacheFactory;
import org.skein.cluster.NodeID;
import org.skein.clustering.ClusterManager;
import org.skein.message.MessageRouter;
import org.skein.routing.RoutingTable;

/**
 * What every service of a node shares: the pool that runs rooms, the clock, the store of persistent
 * rooms, the clustered caches of room records and homes, the cluster manager (members, tasks), the
 * fan-out, and the node's routers.
 */
final class MucNode {

    /** Room JID → {@link RoomRecord}: the rooms that exist now (temporary ones, and persistent ones that run). */
    static final String RECORDS_CACHE = "muc.rooms";

    final NodeID localNode;
    final MucSettings settings;
    final Clock clock;
    final ExecutorService executor;
    final JdbcRoomStore store;
    final ClusterManager cluster;
    final Cache<String, RoomRecord> records;
    final Homes homes;
    final RoutingTable routingTable;
    final MessageRouter messageRouter;
    final org.skein.mam.MessageArchive archive;
    final Fanout fanout;
    final Replicas replicas;

    MucNode(NodeID localNode, MucSettings settings, Clock clock, ExecutorService executor, JdbcRoomStore store, CacheFactory caches,
            ClusterManager cluster, RoutingTable routingTable, MessageRouter messageRouter, BlockingPolicy blocking,
            org.skein.mam.MessageArchive archive) {
        this.localNode = localNode;
        this.settings = settings;
        this.clock = clock;
        this.executor = executor;
        this.store = store;
        this.cluster = cluster;
        this.records = caches.createCache(RECORDS_CACHE);
        this.homes = new Homes(localNode, caches, cluster);
        this.routingTable = routingTable;
        this.messageRouter = messageRouter;
        this.archive = archive;
        this.fanout = new Fanout(localNode, routingTable, messageRouter, blocking);
        this.replicas = new Replicas(localNode);
    }
}
