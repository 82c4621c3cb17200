package org.skein.plugin;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.skein.ServerContext;
import org.skein.cache.CacheFactory;
import org.skein.clustering.ClusterManager;
import org.skein.cluster.NodeID;
import org.skein.config.ServerConfig;

/**
 * A node for plugin tests: a version, a home folder, a clock and an in-memory configuration; no cache
 * factory, cluster manager, plugin manager or storage ({@code null}). Test plugins, compiled against the test
 * class path, cast their {@code context.server()} to this class to report what they did: they
 * {@link #record} lines such as {@code "alpha 1.0 initialized"} and leave objects in the
 * {@link #registry()} for the test to inspect.
 */
public final class FakeServerContext implements ServerContext {

    private final io.micrometer.core.instrument.MeterRegistry meters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();

    private final org.skein.component.ComponentRegistry components = new org.skein.component.ComponentRegistry("localhost");

    private final String version;
    private final Path homeDirectory;
    private final Clock clock;
    private final ServerConfig config = ServerConfig.inMemory(Map.of());
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final ConcurrentMap<String, Object> registry = new ConcurrentHashMap<>();

    public FakeServerContext(String version, Path homeDirectory, Clock clock) {
        this.version = version;
        this.homeDirectory = homeDirectory;
        this.clock = clock;
    }

    /** Called by test plugins. */
    public void record(String event) {
        events.add(event);
    }

    /** What the plugins recorded, in order. */
    public List<String> events() {
        return List.copyOf(events);
    }

    /** Objects left by test plugins (their context, thread, class loader...) under keys of their choosing. */
    public ConcurrentMap<String, Object> registry() {
        return registry;
    }

    @Override
    public NodeID nodeId() {
        return NodeID.of("test-node");
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public Path homeDirectory() {
        return homeDirectory;
    }

    @Override
    public ServerConfig config() {
        return config;
    }

    @Override
    public org.skein.storage.Database database() {
        return null;
    }

    @Override
    public org.skein.user.UserManager userManager() {
        return null;
    }

    @Override
    public org.skein.roster.RosterStore rosterStore() {
        return null;
    }

    @Override
    public org.skein.offline.OfflineMessageStore offlineMessageStore() {
        return null;
    }

    @Override
    public String xmppDomain() {
        return "localhost";
    }

    @Override
    public org.skein.routing.RoutingTable routingTable() {
        return null;
    }

    @Override
    public org.skein.session.SessionManager sessionManager() {
        return null;
    }

    @Override
    public org.skein.roster.RosterManager rosterManager() {
        return null;
    }

    @Override
    public org.skein.presence.PresenceManager presenceManager() {
        return null;
    }

    @Override
    public org.skein.message.MessageRouter messageRouter() {
        return null;
    }

    @Override
    public org.skein.iq.IqRouter iqRouter() {
        return null;
    }

    @Override
    public org.skein.routing.PacketRouter packetRouter() {
        return null;
    }

    @Override
    public org.skein.offline.OfflineMessageManager offlineMessageManager() {
        return null;
    }

    @Override
    public org.skein.component.ComponentRegistry components() {
        return components;
    }

    @Override
    public org.skein.blocking.BlockingPolicy blockingPolicy() {
        return org.skein.blocking.BlockingPolicy.NONE;
    }

    @Override
    public java.util.Optional<org.skein.pubsub.PubSubTopics> pubSubTopics() {
        return java.util.Optional.empty();
    }

    @Override
    public org.skein.muc.MultiUserChat multiUserChat() {
        throw new UnsupportedOperationException("no group chat in a fake context");
    }

    @Override
    public org.skein.mam.MessageArchive messageArchive() {
        throw new UnsupportedOperationException("no message archive in a fake context");
    }

    @Override
    public CacheFactory cacheFactory() {
        return null;
    }

    @Override
    public ClusterManager clusterManager() {
        return null;
    }

    @Override
    public PluginManager pluginManager() {
        return null;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public io.micrometer.core.instrument.MeterRegistry meterRegistry() {
        return meters;
    }
}
