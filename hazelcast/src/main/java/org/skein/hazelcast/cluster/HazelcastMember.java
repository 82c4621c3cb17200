package org.skein.hazelcast.cluster;

import com.hazelcast.core.HazelcastInstance;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;
import org.skein.cache.CacheStorage;
import org.skein.cluster.NodeID;
import org.skein.cluster.spi.ClusterMember;
import org.skein.cluster.spi.Membership;
import org.skein.cluster.spi.TaskTransport;
import org.skein.hazelcast.cache.HazelcastCacheStorage;
import org.skein.hazelcast.config.HazelcastConfigFactory;
import org.skein.hazelcast.routing.DirectStream;
import org.skein.hazelcast.routing.HazelcastPacketRouter;
import org.skein.hazelcast.routing.RouterMeters;
import org.skein.hazelcast.routing.RouterSettings;
import org.skein.hazelcast.routing.StanzaBatch;
import org.skein.routing.InboundDelivery;
import org.skein.routing.RemotePacketRouter;
import org.skein.routing.RoutingTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Hazelcast member of a node and its parts: the members ({@link Members}), caches on the
 * member's maps ({@link HazelcastCacheStorage}), cluster tasks on its bounded executor
 * ({@link ClusterTasks}) and the packet router part, which the node starts when it joins.
 */
final class HazelcastMember implements ClusterMember {

    private static final Logger LOG = LoggerFactory.getLogger(HazelcastMember.class);

    private final NodeID localNode;
    private final HazelcastInstance instance;
    private final Members members;
    private final HazelcastCacheStorage caches;
    private final ClusterTasks tasks;
    private final RouterPart routerPart;
    private final DirectStream direct;
    private final Runnable gone;
    private final HandshakeWatchdog watchdog;
    private volatile boolean leaving;

    HazelcastMember(NodeID localNode, HazelcastInstance instance, MemberTrust trust, RouterSettings routerSettings,
                    RouterMeters routerMeters, Duration handshakeTimeout, Clock clock, Runnable gone) {
        this(localNode, instance, trust, routerSettings, routerMeters, null, handshakeTimeout, clock, gone);
    }

    /** @param direct the node's direct stanza stream, or {@code null} for batches on Hazelcast's executor */
    HazelcastMember(NodeID localNode, HazelcastInstance instance, MemberTrust trust, RouterSettings routerSettings,
                    RouterMeters routerMeters, DirectStream direct, Duration handshakeTimeout, Clock clock, Runnable gone) {
        this.localNode = localNode;
        this.instance = instance;
        this.members = new Members(instance.getCluster(), trust, localNode);
        instance.getUserContext().put(StanzaBatch.FOREIGN_NODES_KEY, (Predicate<NodeID>) members::isForeignNode);
        this.caches = new HazelcastCacheStorage(instance, localNode, MemberAttributes::nodeId, members::isMember);
        this.tasks = new ClusterTasks(instance.getExecutorService(HazelcastConfigFactory.TASK_EXECUTOR), members, localNode);
        this.direct = direct;
        this.routerPart = new RouterPart(routerSettings, routerMeters);
        this.gone = gone;
        this.watchdog = HandshakeWatchdog.start(localNode, instance, handshakeTimeout, clock);
    }

    HazelcastInstance instance() {
        return instance;
    }

    /** The router the node started, or {@code null}. */
    HazelcastPacketRouter router() {
        return routerPart.router;
    }

    Members members() {
        return members;
    }

    boolean isLeaving() {
        return leaving;
    }

    /**
     * Another member left: its queued stanzas go back at once and what was kept for its batches is dropped
     * (on a Hazelcast event thread; never blocks).
     *
     * @param epoch the member's UUID
     */
    void otherNodeLeft(NodeID node, String epoch) {
        HazelcastPacketRouter router = routerPart.router;
        if (router != null) {
            router.nodeLeft(node, epoch);
        }
    }

    @Override
    public Membership membership() {
        return members;
    }

    @Override
    public CacheStorage caches() {
        return caches;
    }

    @Override
    public TaskTransport tasks() {
        return tasks;
    }

    @Override
    public <T> Optional<T> part(Class<T> type) {
        return type == RemotePacketRouter.Part.class ? Optional.of(type.cast(routerPart)) : Optional.empty();
    }

    @Override
    public void leave() {
        leaving = true;
        try {
            caches.forgetStats(localNode);
        } catch (RuntimeException e) {
            LOG.debug("Could not remove this node's cache statistics", e);
        }
        closeParts();
        instance.shutdown();
        gone.run();
        LOG.info("Node {} left the Hazelcast cluster", localNode);
    }

    /** The member is gone without a leave (it shut down on its own); the node stops the router part itself. */
    void lost() {
        closeParts();
        gone.run();
    }

    /** Closes the handshake watchdog and the direct stanza stream. */
    private void closeParts() {
        if (watchdog != null) {
            watchdog.close();
        }
        if (direct != null) {
            direct.close();
        }
    }

    /** How many connections to the cluster port the watchdog closed for want of a handshake. */
    long idleConnectionsClosed() {
        return watchdog == null ? 0 : watchdog.closedCount();
    }

    /** The packet router part: the node starts it with its routing table when it joins. */
    private final class RouterPart implements RemotePacketRouter.Part {
        private final RouterSettings settings;
        private final RouterMeters meters;
        private volatile HazelcastPacketRouter router;

        RouterPart(RouterSettings settings, RouterMeters meters) {
            this.settings = settings;
            this.meters = meters;
        }

        @Override
        public RemotePacketRouter start(RoutingTable routingTable, InboundDelivery inbound) {
            HazelcastPacketRouter started = HazelcastPacketRouter.start(localNode, routingTable, inbound, settings, instance,
                    members::find, meters, direct);
            router = started;
            return started;
        }

        @Override
        public void stop(boolean drain) {
            HazelcastPacketRouter running = router;
            if (running != null) {
                running.stop(drain);
            }
        }
    }
}
