package org.skein.muc;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.skein.blocking.BlockingPolicy;
import org.skein.cache.CacheFactory;
import org.skein.cluster.NodeID;
import org.skein.clustering.ClusterManager;
import org.skein.component.ComponentRegistry;
import org.skein.config.ServerConfig;
import org.skein.message.MessageRouter;
import org.skein.routing.RoutingTable;
import org.skein.storage.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group chat (XEP-0045) on one node: its services ({@code conference.<domain>} by default, see the
 * {@code muc.*} keys), their rooms, and the node's part in running rooms across a cluster. Built and
 * started by the node; plugins reach the services through {@link #services()} and
 * {@link #service(String)} ({@link MucService}).
 *
 * <p>How rooms are placed, replicated and recovered in a cluster is described in the package
 * documentation.
 */
public final class MultiUserChat implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MultiUserChat.class);

    private final MucNode node;
    private final ComponentRegistry components;
    private final Map<String, Rooms> services = new LinkedHashMap<>();
    private final Map<String, MucComponent> componentsByDomain = new LinkedHashMap<>();
    private final List<ComponentRegistry.Registration> registrations = new ArrayList<>();
    private final ScheduledThreadPoolExecutor executor;
    private final MucClusterListener clusterListener;

    /**
     * @throws org.skein.config.ConfigException if a {@code muc.*} key is unusable
     */
    public MultiUserChat(ServerConfig config, String xmppDomain, NodeID nodeId, String threadSuffix, Clock clock, CacheFactory caches,
                         ClusterManager cluster, Database database, RoutingTable routingTable, MessageRouter messageRouter, BlockingPolicy blocking,
                         ComponentRegistry components, org.skein.mam.MessageArchive archive) {
        MucSettings settings = MucSettings.from(config, xmppDomain);
        AtomicInteger threads = new AtomicInteger();
        this.executor = new ScheduledThreadPoolExecutor(settings.threads(), runnable -> {
            Thread t = new Thread(runnable, "skein-muc-" + threadSuffix + "-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.executor.setRemoveOnCancelPolicy(true);
        this.node = new MucNode(nodeId, settings, clock, executor, new JdbcRoomStore(database), caches, cluster, routingTable, messageRouter,
                blocking, archive);
        this.components = components;
        if (settings.enabled()) {
            for (String domain : settings.serviceDomains()) {
                Rooms rooms = new Rooms(node, domain);
                services.put(domain, rooms);
                MucComponent component = new MucComponent(rooms, nodeId, routingTable);
                component.setReceiver(new LinkInbox(rooms, nodeId));
                componentsByDomain.put(domain, component);
            }
        }
        this.clusterListener = new MucClusterListener(services, node, routingTable);
    }

    /** Keeps the rooms right when this or another node joins or leaves a cluster (see {@link MucClusterListener}). */
    public org.skein.cluster.ClusterEventListener clusterListener() {
        return clusterListener;
    }

    /** Registers the services with the node's components and starts putting idle rooms to rest. */
    public void start() {
        for (MucComponent component : componentsByDomain.values()) {
            registrations.add(components.add(component));
        }
        long sweep = Math.max(1000, Math.min(60_000, node.settings.idleTimeout().toMillis() / 2));
        executor.scheduleWithFixedDelay(this::restIdleRooms, sweep, sweep, TimeUnit.MILLISECONDS);
        if (!services.isEmpty()) {
            LOG.info("Group chat services: {}", String.join(", ", services.keySet()));
        }
    }

    /**
     * The node a room starts running on among these members (rendezvous hashing; every node computes
     * the same answer): for tools and tests that place rooms. A room keeps its home while it runs.
     */
    public static NodeID homeAmong(String roomJid, java.util.Collection<NodeID> members) {
        return Homes.rendezvous(roomJid, members);
    }

    /** The node's group chat services, in the order they were configured. */
    public List<MucService> services() {
        return List.copyOf(services.values());
    }

    /** The service on a domain, if this node runs one there. */
    public Optional<MucService> service(String domain) {
        return Optional.ofNullable(services.get(domain == null ? null : domain.toLowerCase(java.util.Locale.ROOT)));
    }

    /** Persistent rooms that stayed empty for the idle timeout leave memory (they stay in the database). */
    private void restIdleRooms() {
        long idle = node.settings.idleTimeout().toMillis();
        for (Rooms rooms : services.values()) {
            for (Room room : rooms.runningRooms()) {
                room.submit(out -> {
                    if (room.byNick.isEmpty() && node.clock.millis() - room.lastActivity >= idle) {
                        room.rest();
                    }
                }, () -> { });
            }
        }
    }

    Rooms rooms(String domain) {
        return services.get(domain);
    }

    /** How long a room's call may take when a cluster task runs it (the node's default for tasks). */
    Duration taskTimeout() {
        return node.cluster.defaultTaskTimeout();
    }

    Map<String, Rooms> allRooms() {
        return services;
    }

    MucNode node() {
        return node;
    }

    /** Takes the services off the node and stops the rooms' threads. */
    @Override
    public void close() {
        for (ComponentRegistry.Registration registration : registrations) {
            registration.close();
        }
        registrations.clear();
        executor.shutdown();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
        }
    }
}
