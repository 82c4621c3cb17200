package org.skein;

import com.github.benmanes.caffeine.cache.Ticker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.skein.admin.AdminConsole;
import org.skein.auth.ServerSecrets;
import org.skein.blocking.BlockingPolicy;
import org.skein.cache.CacheFactory;
import org.skein.cluster.NodeID;
import org.skein.cluster.spi.ClusterMember;
import org.skein.clustering.ClusterManager;
import org.skein.clustering.NodeAttachment;
import org.skein.component.ComponentRegistry;
import org.skein.config.CacheSettingsResolver;
import org.skein.config.ServerConfig;
import org.skein.iq.IqRouter;
import org.skein.message.MessageRouter;
import org.skein.offline.OfflineMessageManager;
import org.skein.metrics.NodeMetrics;
import org.skein.offline.OfflineMessageStore;
import org.skein.presence.PresenceManager;
import org.skein.pubsub.JdbcPubSubStore;
import org.skein.pubsub.PubSubStore;
import org.skein.roster.RosterManager;
import org.skein.routing.PacketRouter;
import org.skein.routing.RoutingTable;
import org.skein.session.SessionManager;
import org.skein.plugin.PluginManager;
import org.skein.roster.RosterStore;
import org.skein.storage.Database;
import org.skein.storage.JdbcOfflineMessageStore;
import org.skein.storage.JdbcServerSecrets;
import org.skein.storage.JdbcRosterStore;
import org.skein.storage.JdbcUserStore;
import org.skein.user.UserManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Skein node: it owns the node's configuration, cache factory, cluster manager and plugin
 * manager, and starts and stops them in order. Nothing here is global, so several nodes can run in
 * one JVM (tests do).
 *
 * <p>A node lives in a home folder:
 * <pre>
 *   conf/skein.properties   the configuration (optional)
 *   data/                   the node id and the embedded database (data/db/)
 *   plugins/                plugin jars, watched while the node runs
 *   work/                   unpacked plugins (scratch, recreated at start)
 * </pre>
 *
 * <p>Start order: database, cluster event dispatcher, plugins, admin console, clustering (if
 * enabled), then the XMPP client listener (last, so clients only arrive at a ready node); stop order
 * is the reverse: the listener says {@code system-shutdown} to every client first. {@link #stop()} is
 * idempotent and is also what {@link #close()} does.
 */
public final class XmppServer implements ServerContext, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(XmppServer.class);

    /** Key of how many lanes deliver stanzas from other nodes at once (by recipient; two more threads: onward and undeliverable). */
    static final String INBOUND_LANES_KEY = "cluster.inbound.threads";

    private final Path home;
    private final ServerConfig config;
    private final Clock clock;
    private final NodeID nodeId;
    private final String version;
    private final ThreadPoolExecutor taskExecutor;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService clusterCleanup;
    private final ThreadPoolExecutor inboundThreads;
    private final CacheFactory cacheFactory;
    private final ClusterManager clusterManager;
    private final PluginManager pluginManager;
    private final Database database;
    private final UserManager userManager;
    private final RosterStore rosterStore;
    private final OfflineMessageStore offlineMessageStore;
    private final NodeMetrics metrics;
    private final ServerSecrets secrets;
    private final PubSubStore pubSubStore;
    private final XmppServices xmpp;
    private final AdminConsole adminConsole;
    private final Object lifecycle = new Object();
    private boolean started;
    private boolean stopped;

    /** A node in {@code home}, configured by {@code home/conf/skein.properties}. */
    public XmppServer(Path home) {
        this(home, ServerConfig.load(home.resolve("conf").resolve("skein.properties")), Clock.systemUTC());
    }

    /**
     * A node in {@code home} with the given configuration and clock.
     *
     * @throws org.skein.config.ConfigException if the configuration is unusable
     */
    public XmppServer(Path home, ServerConfig config, Clock clock) {
        this(home, config, clock, Ticker.systemTicker());
    }

    /**
     * A node in {@code home} with the given configuration, clock and the time source of its caches'
     * lifetimes (tests hand a ticker they advance).
     *
     * @throws org.skein.config.ConfigException if the configuration is unusable
     */
    public XmppServer(Path home, ServerConfig config, Clock clock, Ticker ticker) {
        Objects.requireNonNull(ticker, "ticker");
        this.home = Objects.requireNonNull(home, "home").toAbsolutePath();
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.nodeId = NodeIdentity.load(config, this.home.resolve("data"));
        this.version = ServerVersion.current();
        String name = nodeId.value().length() > 8 ? nodeId.value().substring(0, 8) : nodeId.value();
        int taskThreads = config.getInt("cluster.task.threads", 8);
        int taskQueue = config.getInt("cluster.task.queue", 10_000);
        this.taskExecutor = new ThreadPoolExecutor(taskThreads, taskThreads, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(taskQueue), threads("skein-task-" + name), new ThreadPoolExecutor.AbortPolicy());
        this.taskExecutor.allowCoreThreadTimeOut(true);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(threads("skein-scheduler-" + name));
        // the senior's cleanup after a lost node: off the cluster event thread, which it would hold up for seconds
        this.clusterCleanup = Executors.newSingleThreadExecutor(threads("skein-cluster-cleanup-" + name));
        int inboundLanes = config.getInt(INBOUND_LANES_KEY, 4);
        if (inboundLanes < 1 || inboundLanes > 256) {
            throw new org.skein.config.ConfigException(config.source() + ": key '" + INBOUND_LANES_KEY + "' is '" + inboundLanes
                    + "', expected a whole number from 1 to 256");
        }
        // stanzas from other nodes are delivered here (never on the clustering provider's threads): one thread per lane,
        // one for the onward lane (rooms, services, moved routes), one for the undeliverable lane (offline storage);
        // each has at most one task queued, so the queue never fills
        this.inboundThreads = new ThreadPoolExecutor(inboundLanes + 2, inboundLanes + 2, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(inboundLanes + 2), threads("skein-inbound-" + name), new ThreadPoolExecutor.AbortPolicy());
        this.inboundThreads.allowCoreThreadTimeOut(true);
        this.cacheFactory = new CacheFactory(nodeId, new CacheSettingsResolver(config)::resolve, ticker);
        this.clusterManager = new ClusterManager(nodeId, new ConfigClusterSettings(config), cacheFactory, taskExecutor, clock,
                new XmppAttachment());
        this.database = new Database(config, this.home.resolve("data"), name);
        this.userManager = new UserManager(new JdbcUserStore(database, clock), cacheFactory, config);
        this.rosterStore = new JdbcRosterStore(database);
        this.offlineMessageStore = new JdbcOfflineMessageStore(database, config.getInt("offline.maxPerUser", 1000),
                offlineBytes(config));
        this.secrets = new JdbcServerSecrets(database, clock);
        this.pubSubStore = new JdbcPubSubStore(database);
        this.xmpp = new XmppServices(config, this.home, nodeId, name, cacheFactory, clusterManager, clock, userManager,
                rosterStore, offlineMessageStore, pubSubStore, scheduler, database, version, secrets, clusterCleanup,
                inboundThreads, inboundLanes);
        this.pluginManager = new PluginManager(this, this.home.resolve("plugins"), this.home.resolve("work").resolve("plugins"),
                config.getDuration("plugins.scanInterval", Duration.ofSeconds(5)), clock);
        boolean jmx = config.getBoolean(NodeMetrics.JMX_ENABLED_KEY, false);
        this.metrics = new NodeMetrics(nodeId.value(), xmpp.routingTable(), xmpp.sessionManager().traffic(), xmpp.loginThrottle(),
                clusterManager, cacheFactory, offlineMessageStore::countAll, jmx ? config.get(NodeMetrics.JMX_DOMAIN_KEY, "skein") : null);
        if (jmx) {
            scheduler.scheduleWithFixedDelay(metrics::refresh, 30, 30, TimeUnit.SECONDS); // JMX is read without a scrape
        }
        metrics.meterInboundDelivery(xmpp.inbound());
        if (xmpp.smJournal() != null) {
            metrics.meterJournal(xmpp.smJournal());
        }
        this.adminConsole = new AdminConsole(this, xmpp.loginThrottle(), metrics);
        this.clusterManager.addListener(metrics.clusterEvents(), 40);
        this.clusterManager.addListener(xmpp.clusterListener(), 10);
        this.clusterManager.addListener(xmpp.pubSubClusterListener(clusterManager), 20);
        // after the XMPP listener (10): the senior's cleanup of the dead node's routes comes first
        this.clusterManager.addListener(xmpp.resumption().orphanedJournals(), 30);
        // before the XMPP listener (10): a room only needs its own state to tell its occupants who was on a lost
        // node, and they should not wait for the senior's cleanup of the route caches
        this.clusterManager.addListener(xmpp.multiUserChat().clusterListener(), 5);
    }

    /** {@code offline.maxBytesPerUser}: bytes of stanzas kept offline per user (10 MiB; -1 = no byte quota). */
    private static long offlineBytes(ServerConfig config) {
        long bytes = config.getByteSize("offline.maxBytesPerUser", 10L * 1024 * 1024);
        if (bytes < 1 && bytes != -1) {
            throw new org.skein.config.ConfigException(config.source() + ": key 'offline.maxBytesPerUser' is '"
                    + config.get("offline.maxBytesPerUser", "") + "', expected a size such as 10MiB, or -1 for no byte quota");
        }
        return bytes;
    }

    /** Starts the node: cluster events, plugins, then clustering if it is enabled. */
    public void start() {
        synchronized (lifecycle) {
            if (started) {
                return;
            }
            started = true;
            LOG.info("Starting Skein {} node {} in {}", version, nodeId, home);
            try {
                Files.createDirectories(home.resolve("data"));
                database.start();
                clusterManager.start();
                pluginManager.start();
                Duration statsInterval = config.getDuration("cache.stats.interval", Duration.ofSeconds(10));
                if (statsInterval != null) {
                    scheduler.scheduleWithFixedDelay(this::publishCacheStats, 0, statsInterval.toMillis(), TimeUnit.MILLISECONDS);
                }
                adminConsole.start();
                if (clusterManager.isClusteringEnabled()) {
                    clusterManager.startup();
                }
                xmpp.start();
            } catch (Exception e) {
                LOG.error("Node {} failed to start", nodeId, e);
                stop();
                throw e instanceof RuntimeException ? (RuntimeException) e : new IllegalStateException(e);
            }
            LOG.info("Node {} started", nodeId);
        }
    }

    /** Stops the node: leaves the cluster, unloads plugins, stops threads. Idempotent. */
    public void stop() {
        synchronized (lifecycle) {
            if (stopped) {
                return;
            }
            stopped = true;
            LOG.info("Stopping node {}", nodeId);
            quietly("close client connections", xmpp::stop);
            quietly("stop the admin console", adminConsole::close);
            quietly("close the metrics", metrics::close);
            quietly("leave the cluster", clusterManager::shutdown);
            quietly("unload plugins", pluginManager::close);
            quietly("stop cluster events", clusterManager::close);
            scheduler.shutdownNow();
            taskExecutor.shutdownNow();
            clusterCleanup.shutdownNow();
            inboundThreads.shutdownNow();
            quietly("await threads", () -> {
                inboundThreads.awaitTermination(10, TimeUnit.SECONDS);
                scheduler.awaitTermination(10, TimeUnit.SECONDS);
                clusterCleanup.awaitTermination(10, TimeUnit.SECONDS);
                taskExecutor.awaitTermination(10, TimeUnit.SECONDS);
            });
            quietly("close caches", cacheFactory::close);
            quietly("close the database", database::close);
            LOG.info("Node {} stopped", nodeId);
        }
    }

    @Override
    public void close() {
        stop();
    }

    private void publishCacheStats() {
        try {
            cacheFactory.publishCacheStats();
        } catch (RuntimeException e) {
            LOG.warn("Could not publish cache statistics", e);
        }
    }

    /** The node's meters (served at {@code /metrics} on the admin port); plugins may add their own to its registry. */
    public NodeMetrics metrics() {
        return metrics;
    }

    @Override
    public String xmppDomain() {
        return xmpp.domain();
    }

    @Override
    public RoutingTable routingTable() {
        return xmpp.routingTable();
    }

    @Override
    public SessionManager sessionManager() {
        return xmpp.sessionManager();
    }

    @Override
    public RosterManager rosterManager() {
        return xmpp.rosterManager();
    }

    @Override
    public PresenceManager presenceManager() {
        return xmpp.presenceManager();
    }

    /**
     * Applies the archive retention limit ({@code mam.retention}) now, as the node does every hour (only the
     * senior member removes anything); returns how many archived messages went.
     */
    public long purgeExpiredArchives() {
        return xmpp.purgeExpiredArchives();
    }

    @Override
    public org.skein.mam.MessageArchive messageArchive() {
        return xmpp.messageArchive();
    }

    @Override
    public MessageRouter messageRouter() {
        return xmpp.messageRouter();
    }

    @Override
    public IqRouter iqRouter() {
        return xmpp.iqRouter();
    }

    @Override
    public PacketRouter packetRouter() {
        return xmpp.packetRouter();
    }

    @Override
    public OfflineMessageManager offlineMessageManager() {
        return xmpp.offlineMessageManager();
    }

    @Override
    public ComponentRegistry components() {
        return xmpp.components();
    }

    @Override
    public BlockingPolicy blockingPolicy() {
        return xmpp.blockingPolicy();
    }

    @Override
    public java.util.Optional<org.skein.pubsub.PubSubTopics> pubSubTopics() {
        return xmpp.pubSub().topics();
    }

    /** The entity capabilities of this node's sessions (XEP-0115). */
    public org.skein.caps.EntityCapabilities entityCapabilities() {
        return xmpp.caps();
    }

    @Override
    public org.skein.muc.MultiUserChat multiUserChat() {
        return xmpp.multiUserChat();
    }

    /** The port the client listener is bound to (the chosen one when {@code xmpp.c2s.port} is 0), or -1 when it is not listening. */
    public int c2sPort() {
        return xmpp.c2sPort();
    }

    /** The plain XMPP over WebSocket port ({@code ws://}, {@code xmpp.websocket.port}; the chosen one when 0), or -1 when it is off. */
    public int webSocketPort() {
        return xmpp.webSocketPort();
    }

    /** The XMPP over WebSocket port with TLS ({@code wss://}, {@code xmpp.websocket.tls.port}), or -1 when it is off. */
    public int webSocketTlsPort() {
        return xmpp.webSocketTlsPort();
    }

    /** The URL path of the WebSocket endpoint ({@code xmpp.websocket.path}). */
    public String webSocketPath() {
        return xmpp.webSocketSettings().path();
    }

    /** How many client connections are open on this node (logged in or not). */
    public int c2sConnectionCount() {
        return xmpp.c2sConnectionCount();
    }

    /**
     * The largest backlog, in bytes, that one client connection of this node has had since it started:
     * what the node held for a client that read slowly or not at all (bounded by the slow-consumer policy).
     */
    public long c2sPeakBacklogBytes() {
        return xmpp.c2sPeakBacklogBytes();
    }

    /**
     * How many client connections this node ended with {@code policy-violation} because their client
     * did not read what was sent to it (the slow-consumer policy), since it started.
     */
    public long c2sStalledConnectionCount() {
        return xmpp.c2sStalledConnectionCount();
    }

    /**
     * How many times this node paused reading from a client connection because its client sent faster
     * than {@code xmpp.c2s.inbound.rate} allows, since it started.
     */
    public long c2sInboundPauseCount() {
        return xmpp.c2sInboundPauseCount();
    }

    /** How many client connections of this node have not logged in yet. */
    public int c2sPendingLoginCount() {
        return xmpp.c2sPendingLoginCount();
    }

    /** The certificate clients see on STARTTLS (available once the node has started). */
    public java.security.cert.X509Certificate tlsCertificate() {
        return xmpp.tls() == null ? null : xmpp.tls().certificate();
    }

    @Override
    public NodeID nodeId() {
        return nodeId;
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public Path homeDirectory() {
        return home;
    }

    @Override
    public ServerConfig config() {
        return config;
    }

    @Override
    public CacheFactory cacheFactory() {
        return cacheFactory;
    }

    @Override
    public ClusterManager clusterManager() {
        return clusterManager;
    }

    @Override
    public PluginManager pluginManager() {
        return pluginManager;
    }

    @Override
    public Database database() {
        return database;
    }

    @Override
    public UserManager userManager() {
        return userManager;
    }

    @Override
    public RosterStore rosterStore() {
        return rosterStore;
    }

    @Override
    public OfflineMessageStore offlineMessageStore() {
        return offlineMessageStore;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public io.micrometer.core.instrument.MeterRegistry meterRegistry() {
        return metrics.registry();
    }

    /** The node's admin console (its {@link AdminConsole#port()} is -1 when it does not run). */
    public AdminConsole adminConsole() {
        return adminConsole;
    }

    /** The node's scheduler for periodic housekeeping (one thread; keep tasks short). */
    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /**
     * What the node installs while it is a member of a cluster (see {@link NodeClustering}); the XMPP
     * services are made after the cluster manager, and it attaches only once the node runs.
     */
    private final class XmppAttachment implements NodeAttachment {
        @Override
        public void attach(ClusterMember member) {
            xmpp.nodeClustering().attach(member);
        }

        @Override
        public void detach(boolean clean) {
            xmpp.nodeClustering().detach(clean);
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    private void quietly(String what, Step step) {
        try {
            step.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("Node {} could not {} cleanly", nodeId, what, e);
        }
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
