package org.skein.hazelcast.cluster;

import com.hazelcast.core.HazelcastInstance;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import org.skein.ServerContext;
import org.skein.cluster.NodeID;
import org.skein.cluster.spi.ClusterMember;
import org.skein.cluster.spi.ClusteringProvider;
import org.skein.cluster.spi.MemberContext;
import org.skein.config.ServerConfig;
import org.skein.hazelcast.config.PluginSettings;
import org.skein.hazelcast.routing.HazelcastPacketRouter;
import org.skein.hazelcast.routing.RouterMeters;
import org.skein.hazelcast.routing.RouterSettings;
import org.skein.hazelcast.routing.StanzaTransportSettings;
import org.skein.hazelcast.serialization.ClassAllowlist;
import org.skein.hazelcast.serialization.PluginClassResolver;
import org.skein.hazelcast.serialization.RejectedClasses;

/**
 * The Hazelcast plugin's {@link ClusteringProvider}: {@link #join} starts a Hazelcast member for the node
 * ({@link MemberStarter}) and hands over its parts ({@link HazelcastMember}). The join/leave/crash/merge
 * protocol is the node's cluster manager's; this class only makes members. Reads the node's settings
 * afresh at each join, so a changed {@code conf/hazelcast-local-config.xml} applies at the next start.
 *
 * <p>Thread-safe.
 */
public final class HazelcastProvider implements ClusteringProvider {

    private final NodeID localNode;
    private final ServerConfig config;
    private final Path home;
    private final Clock clock;
    private final ClassLoader pluginLoader;
    private final ClassAllowlist allowlist;
    private final PluginClassResolver resolver;
    private final RejectedClasses rejected;
    private final RouterMeters routerMeters;
    private volatile HazelcastMember current;

    /**
     * @param localNode the node this provider clusters
     * @param config the node's configuration (the plugin's keys)
     * @param home the node's home (the local Hazelcast file is found from it)
     * @param clock the node's clock
     * @param pluginLoader the Hazelcast plugin's class loader (Hazelcast's classes and resources)
     * @param allowlist the classes that may be deserialized from the cluster
     * @param resolver finds the classes of objects that come from the cluster
     */
    public HazelcastProvider(NodeID localNode, ServerConfig config, Path home, Clock clock, ClassLoader pluginLoader,
                             ClassAllowlist allowlist, PluginClassResolver resolver) {
        this(localNode, config, home, clock, pluginLoader, allowlist, resolver, RouterMeters.unregistered());
    }

    /**
     * As above, with the packet router's meters in the node's registry.
     *
     * @param routerMeters the packet router's meters (they count across the node's memberships)
     */
    public HazelcastProvider(NodeID localNode, ServerConfig config, Path home, Clock clock, ClassLoader pluginLoader,
                             ClassAllowlist allowlist, PluginClassResolver resolver, RouterMeters routerMeters) {
        this.localNode = Objects.requireNonNull(localNode, "localNode");
        this.config = Objects.requireNonNull(config, "config");
        this.home = Objects.requireNonNull(home, "home");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.pluginLoader = Objects.requireNonNull(pluginLoader, "pluginLoader");
        this.allowlist = Objects.requireNonNull(allowlist, "allowlist");
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.rejected = new RejectedClasses(localNode, clock);
        this.routerMeters = Objects.requireNonNull(routerMeters, "routerMeters");
    }

    /**
     * A provider for a node whose Hazelcast and plugin classes come from {@code loader} rather than from
     * a loaded plugin jar: for tests and benchmarks that have the plugin on their class path.
     */
    public static HazelcastProvider onClassPath(ServerContext node, ClassLoader loader) {
        ClassAllowlist allowlist = new ClassAllowlist();
        return new HazelcastProvider(node.nodeId(), node.config(), node.homeDirectory(), node.clock(), loader, allowlist,
                new PluginClassResolver(loader, allowlist), new RouterMeters(node.meterRegistry()));
    }

    @Override
    public String name() {
        return "hazelcast";
    }

    @Override
    public ClusterMember join(MemberContext context) {
        PluginSettings settings = PluginSettings.from(config, home);
        RouterSettings routerSettings = RouterSettings.from(config);
        StanzaTransportSettings transport = StanzaTransportSettings.from(config);
        MemberEvents events = new MemberEvents(context.events());
        DirectStreamOpener direct = new DirectStreamOpener(localNode, transport, settings.secret(), routerSettings.batchBytes(), clock,
                config.source(), routerMeters);
        HazelcastInstance instance;
        try {
            instance = new MemberStarter(localNode, pluginLoader, clock, allowlist, resolver, rejected)
                    .start(config, settings, routerSettings, context.taskContext(), events, direct::attributes);
        } catch (RuntimeException e) {
            direct.close();
            throw e;
        }
        MemberTrust trust = new MemberTrust(settings.secret(), instance.getConfig().getClusterName());
        HazelcastMember member = new HazelcastMember(localNode, instance, trust, routerSettings, routerMeters, direct.stream(),
                settings.handshakeTimeout(), clock, () -> {
            if (current != null && current.instance() == instance) {
                current = null;
            }
        });
        events.attach(member);
        current = member;
        return member;
    }

    // --- for the plugin's pages and tasks ---

    /** The running Hazelcast member, for diagnostics; {@code null} when not a member. */
    public HazelcastInstance hazelcastInstance() {
        HazelcastMember member = current;
        return member == null ? null : member.instance();
    }

    /** This node's packet router; {@code null} when not a member or before the node started it. */
    public HazelcastPacketRouter packetRouter() {
        HazelcastMember member = current;
        return member == null ? null : member.router();
    }

    /** Whether this node is a member of a cluster now. */
    public boolean isMember() {
        return current != null;
    }

    /** How many connections to the cluster port were closed for want of a handshake since the node joined. */
    public long idleConnectionsClosed() {
        HazelcastMember member = current;
        return member == null ? 0 : member.idleConnectionsClosed();
    }

    /** How many objects from the cluster the deserialization allowlist refused. */
    public long rejectedObjects() {
        return rejected.count();
    }
}
