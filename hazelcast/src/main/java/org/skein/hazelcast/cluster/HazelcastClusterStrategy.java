package org.skein.hazelcast.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.config.InvalidConfigurationException;
import com.hazelcast.config.ListenerConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.skein.ServerContext;
import org.skein.cache.Cache;
import org.skein.cache.CacheFactoryStrategy;
import org.skein.cache.CacheSettings;
import org.skein.cache.CacheStats;
import org.skein.cluster.ClusterException;
import org.skein.clustering.ClusterManager;
import org.skein.cluster.ClusterNodeInfo;
import org.skein.cluster.ClusterTask;
import org.skein.cluster.ClusterTaskResults;
import org.skein.cluster.NodeID;
import org.skein.cluster.Registration;
import org.skein.config.ConfigException;
import org.skein.hazelcast.cache.ClusteredCache;
import org.skein.hazelcast.config.CacheMapConfigs;
import org.skein.hazelcast.config.HazelcastConfigFactory;
import org.skein.hazelcast.config.PluginSettings;
import org.skein.hazelcast.routing.HazelcastPacketRouter;
import org.skein.hazelcast.routing.RouterSettings;
import org.skein.hazelcast.serialization.ClassAllowlist;
import org.skein.hazelcast.serialization.JavaObjectSerializer;
import org.skein.hazelcast.serialization.PluginClassResolver;
import org.skein.hazelcast.serialization.RejectedClasses;
import org.skein.session.SessionInfoLocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clustered {@link CacheFactoryStrategy}: a Hazelcast member per node, caches on its maps,
 * cluster tasks on its bounded executor, and its membership and lifecycle turned into cluster events
 * on the node's {@link ClusterManager}.
 *
 * <h2>Joining</h2>
 * {@link #startCluster()} starts a member named after the node (retrying a bounded number of times,
 * one log line per failed attempt), with the node's id and start time as member attributes and the
 * node's {@link ServerContext} in the member's user context. Then it fires the node's joined event
 * and waits for it (the caches are swapped and the listeners restore local state), then fires the
 * senior event if this node is the oldest member, and only then tells the other nodes, which fire
 * {@code joinedCluster(thisNode)}. Membership events that arrive meanwhile are held back and
 * delivered after the joined event, in order.
 *
 * <h2>Leaving</h2>
 * {@link #stopCluster()} fires the node's left event while the member still runs and waits for the
 * listeners, then shuts down this node's member (and no other) and resets what it set. Another
 * member that leaves or crashes becomes {@code leftCluster(thatNode)}; when the senior goes, the next
 * oldest member fires its senior event. A member that Hazelcast shuts down on its own becomes a left
 * event and an error for the admin console.
 *
 * <h2>Split brain</h2>
 * When two halves of a cluster meet again, Hazelcast merges the smaller into the larger. Every node of
 * the smaller side fires its left event when the merge starts (its caches become local and its
 * listeners restore local state), and its joined event when the merge is done (local state goes back
 * into the merged caches), then tells the others as after any join. No fixed waits.
 *
 * <p>Thread-safe.
 */
public final class HazelcastClusterStrategy implements CacheFactoryStrategy, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HazelcastClusterStrategy.class);

    private final ServerContext node;
    private final NodeID localNode;
    private final ClassLoader pluginLoader;
    private final ClassAllowlist allowlist;
    private final PluginClassResolver resolver;
    private final RejectedClasses rejected;
    private final ExecutorService control;
    private final Registration noticeService;
    private final Object lifecycle = new Object();
    private final Object events = new Object();
    private final AtomicLong generations = new AtomicLong();
    private volatile Running running;
    private volatile boolean leaving;
    private volatile boolean senior;
    /** Whether this node's joined event was fired for the running member; guarded by {@link #events}. */
    private boolean joined;
    /** Events held back until the joined event was fired; guarded by {@link #events}. */
    private final List<Runnable> heldBack = new ArrayList<>();

    /**
     * @param node the node this strategy clusters
     * @param pluginLoader the Hazelcast plugin's class loader (Hazelcast's classes and resources)
     * @param allowlist the classes that may be deserialized from the cluster
     * @param resolver finds the classes of objects that come from the cluster
     */
    public HazelcastClusterStrategy(ServerContext node, ClassLoader pluginLoader, ClassAllowlist allowlist,
                                    PluginClassResolver resolver) {
        this.node = Objects.requireNonNull(node, "node");
        this.localNode = node.nodeId();
        this.pluginLoader = Objects.requireNonNull(pluginLoader, "pluginLoader");
        this.allowlist = Objects.requireNonNull(allowlist, "allowlist");
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.rejected = new RejectedClasses(localNode, node.clock());
        String shortId = localNode.value().length() > 8 ? localNode.value().substring(0, 8) : localNode.value();
        this.control = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "skein-hazelcast-" + shortId);
            thread.setDaemon(true);
            return thread;
        });
        // NodeJoinedNotice finds this strategy through the node's services for tasks
        this.noticeService = node.clusterManager().registerTaskService(HazelcastClusterStrategy.class, this);
    }

    /** What one running member is made of. */
    private record Running(long generation, HazelcastInstance instance, Members members, ClusterTasks tasks,
                           CacheStatsStore stats, Map<String, ClusteredCache<?, ?>> caches, HazelcastPacketRouter router) {
    }

    @Override
    public String name() {
        return "hazelcast";
    }

    // --- joining and leaving ---

    @Override
    public boolean startCluster() {
        synchronized (lifecycle) {
            if (running != null) {
                return true;
            }
            PluginSettings settings = PluginSettings.from(node.config(), node.homeDirectory());
            RouterSettings routerSettings = RouterSettings.from(node.config());
            long generation = generations.incrementAndGet();
            HazelcastInstance instance = startMember(settings, generation);
            if (instance == null) {
                return false;
            }
            Members members = new Members(instance.getCluster());
            // the router is set on the routing table before the joined event: no remote route is seen without it
            HazelcastPacketRouter router = HazelcastPacketRouter.start(localNode, node.routingTable(), routerSettings,
                    instance, members::find);
            Running started = new Running(generation, instance, members,
                    new ClusterTasks(instance.getExecutorService(HazelcastConfigFactory.TASK_EXECUTOR), members, localNode),
                    new CacheStatsStore(instance.getMap(CacheStatsStore.MAP_NAME)), new ConcurrentHashMap<>(), router);
            try {
                refuseDuplicateNodeId(started);
            } catch (RuntimeException e) {
                router.stop(false);
                throw e;
            }
            running = started;
            // remote sessions are read from sessions.info while clustered (before the join, whose listeners use it)
            node.sessionManager().setRemoteSessionLocator(new SessionInfoLocator(node));
            LOG.info("Node {} is a member of Hazelcast cluster '{}' with {} members", localNode,
                    instance.getConfig().getClusterName(), instance.getCluster().getMembers().size());
            node.clusterManager().fireJoinedCluster(true);
            announceJoin(started);
            return true;
        }
    }

    private HazelcastInstance startMember(PluginSettings settings, long generation) {
        HazelcastConfigFactory factory = new HazelcastConfigFactory(settings, node.config());
        int attempts = settings.startupRetries() + 1;
        for (int attempt = 1; ; attempt++) {
            Config config = memberConfig(factory.build(), generation);
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            thread.setContextClassLoader(pluginLoader);
            try {
                return Hazelcast.newHazelcastInstance(config);
            } catch (ConfigException e) {
                throw e;
            } catch (RuntimeException e) {
                String reason = describe(e);
                if (attempt >= attempts) {
                    LOG.error("Node {} could not start its Hazelcast member (attempt {} of {}): {}. The node goes on alone.",
                            localNode, attempt, attempts, reason);
                    node.clusterManager().reportError("The Hazelcast member could not start after " + attempts
                            + " attempts: " + reason);
                    return null;
                }
                LOG.warn("Node {} could not start its Hazelcast member (attempt {} of {}): {}. Trying again in {} ms.",
                        localNode, attempt, attempts, reason, settings.startupRetryDelay().toMillis());
                LOG.debug("The failed attempt", e);
                try {
                    TimeUnit.MILLISECONDS.sleep(settings.startupRetryDelay().toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            } finally {
                thread.setContextClassLoader(previous);
            }
        }
    }

    /** Adds what belongs to this node and this start to the configuration read from the files. */
    private Config memberConfig(Config config, long generation) {
        config.setInstanceName("skein-" + localNode.value());
        config.setClassLoader(pluginLoader);
        config.getMemberAttributeConfig()
                .setAttribute(MemberAttributes.NODE_ID, localNode.value())
                .setAttribute(MemberAttributes.JOINED, Long.toString(node.clock().millis()));
        ConcurrentMap<String, Object> userContext = new ConcurrentHashMap<>();
        userContext.put(TaskEnvelope.CONTEXT_KEY, node.clusterManager().taskContext());
        config.setUserContext(userContext);
        HazelcastPacketRouter.configure(config, RouterSettings.from(node.config()));
        MembershipEvents listeners = new MembershipEvents(this, generation);
        config.addListenerConfig(new ListenerConfig(listeners.membershipListener()));
        config.addListenerConfig(new ListenerConfig(listeners.lifecycleListener()));
        HazelcastConfigFactory.useSerializer(config, new JavaObjectSerializer(resolver, allowlist, rejected),
                allowlist.hazelcastFilterConfig());
        return config;
    }

    private void refuseDuplicateNodeId(Running started) {
        for (Member member : started.members().others()) {
            if (localNode.equals(MemberAttributes.nodeId(member))) {
                started.instance().shutdown();
                throw new ClusterException("node id " + localNode + " is used by another member (" + member.getAddress()
                        + ") of the cluster: every node needs its own id (node.id in conf/skein.properties, "
                        + "or data/node-id: do not copy a node's data folder)");
            }
        }
    }

    /** After this node's joined event: held-back events, the senior event, then the other nodes are told. */
    private void announceJoin(Running current) {
        synchronized (events) {
            joined = true;
            heldBack.forEach(Runnable::run);
            heldBack.clear();
        }
        senior = current.members().isLocalSenior();
        if (senior) {
            node.clusterManager().fireMarkedAsSeniorClusterMember();
        }
        current.tasks().toOthers(new NodeJoinedNotice(localNode));
    }

    @Override
    public void stopCluster() {
        synchronized (lifecycle) {
            Running current = running;
            if (current == null) {
                return;
            }
            leaving = true;
            try {
                current.router().stop(true);
                node.clusterManager().fireLeftCluster(true);
                try {
                    current.stats().remove(localNode);
                } catch (RuntimeException e) {
                    LOG.debug("Could not remove this node's cache statistics", e);
                }
                current.instance().shutdown();
                LOG.info("Node {} left the Hazelcast cluster", localNode);
            } finally {
                reset();
                leaving = false;
            }
        }
    }

    private void reset() {
        running = null;
        node.sessionManager().setRemoteSessionLocator(null);
        senior = false;
        synchronized (events) {
            joined = false;
            heldBack.clear();
        }
    }

    // --- events from the member (Hazelcast threads) ---

    /** Runs the event now if this node's joined event was fired, else after it. */
    private void whenJoined(Runnable event) {
        synchronized (events) {
            if (joined) {
                event.run();
            } else {
                heldBack.add(event);
            }
        }
    }

    /** Another node told this one that it joined (see {@link NodeJoinedNotice}). */
    void otherNodeJoined(NodeID other) {
        whenJoined(() -> node.clusterManager().fireJoinedCluster(other, false));
    }

    void otherNodeLeft(long generation, NodeID other) {
        Running current = running;
        if (current != null && current.generation() != generation) {
            return;
        }
        if (current != null) {
            current.router().nodeLeft(other);
        }
        whenJoined(() -> {
            Running now = running;
            if (now != null && now.members().isMember(other)) {
                // held back during a merge, and the node is a member again by now
                return;
            }
            node.clusterManager().fireLeftCluster(other, false);
            if (now != null && !senior && now.members().isLocalSenior()) {
                senior = true;
                node.clusterManager().fireMarkedAsSeniorClusterMember();
            }
            if (now != null && senior) {
                onControl(() -> now.stats().remove(other));
            }
        });
    }

    /** This member is on the smaller side of a split brain and starts merging into the larger one. */
    void merging(long generation) {
        Running current = running;
        if (leaving || current == null || current.generation() != generation) {
            return;
        }
        boolean wasJoined;
        synchronized (events) {
            wasJoined = joined;
            joined = false;
        }
        if (wasJoined) {
            LOG.warn("Node {} is on the smaller side of a split brain: it leaves and joins the larger cluster", localNode);
            node.clusterManager().fireLeftCluster(false);
        }
    }

    /** The merge is over (or failed, and the member stays in its own cluster): this node joins again. */
    void merged(long generation, boolean succeeded) {
        onControl(() -> {
            synchronized (lifecycle) {
                Running current = running;
                if (leaving || current == null || current.generation() != generation) {
                    return;
                }
                if (succeeded) {
                    LOG.info("Node {} merged into the larger cluster ({} members); restoring its local state there",
                            localNode, current.members().all().size());
                } else {
                    LOG.warn("Node {} could not merge into the other cluster; it stays in its own", localNode);
                }
                node.clusterManager().fireJoinedCluster(true);
                announceJoin(current);
            }
        });
    }

    /** The member shut down; unless this node asked for it, that is a failure. */
    void memberShutDown(long generation) {
        if (leaving) {
            return;
        }
        onControl(() -> {
            synchronized (lifecycle) {
                Running current = running;
                if (leaving || current == null || current.generation() != generation) {
                    return;
                }
                LOG.error("The Hazelcast member of node {} shut down on its own; the node goes on alone", localNode);
                node.clusterManager().reportError("The Hazelcast member shut down on its own; see the log for the cause");
                current.router().stop(false);
                reset();
                node.clusterManager().fireLeftCluster(false);
            }
        });
    }

    private void onControl(Runnable work) {
        try {
            control.execute(() -> {
                try {
                    work.run();
                } catch (RuntimeException e) {
                    LOG.warn("Cluster housekeeping on node {} failed", localNode, e);
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("The plugin is stopping; dropped cluster housekeeping", e);
        }
    }

    // --- caches ---

    @Override
    public <K, V> Cache<K, V> createCache(String name, CacheSettings settings) {
        Running current = requireRunning();
        HazelcastInstance instance = current.instance();
        MapConfig existing = instance.getConfig().getMapConfigOrNull(name);
        CacheSettings effective;
        if (existing == null) {
            try {
                instance.getConfig().addMapConfig(CacheMapConfigs.derive(name, settings));
                effective = settings;
            } catch (InvalidConfigurationException e) {
                // another node configured this cache first, with other settings: the cluster keeps its config
                effective = CacheMapConfigs.effective(instance.getConfig().getMapConfig(name), settings);
                LOG.info("Cache '{}' was configured by another node first ({}); this node's settings ({}) apply "
                        + "when it is not clustered", name, effective, settings);
            }
        } else {
            effective = CacheMapConfigs.effective(existing, settings);
            if (!effective.equals(settings)) {
                LOG.debug("Cache '{}' follows its map configuration ({}) rather than the node's settings ({})",
                        name, effective, settings);
            }
        }
        ClusteredCache<K, V> cache = new ClusteredCache<>(instance.getMap(name), effective, localNode, MemberAttributes::nodeId);
        current.caches().put(name, cache);
        return cache;
    }

    @Override
    public void destroyCache(Cache<?, ?> cache) {
        Running current = running;
        if (current != null && cache instanceof ClusteredCache<?, ?> clustered) {
            current.caches().remove(clustered.getName(), clustered);
            clustered.removeAllCacheEntryListeners();
        }
        // the shared content stays for the other nodes
    }

    // --- members ---

    @Override
    public boolean isSeniorClusterMember() {
        Running current = running;
        return current == null || current.members().isLocalSenior();
    }

    @Override
    public NodeID getSeniorClusterMember() {
        Running current = running;
        if (current == null) {
            return localNode;
        }
        NodeID senior = MemberAttributes.nodeId(current.members().senior());
        return senior == null ? localNode : senior;
    }

    @Override
    public Collection<ClusterNodeInfo> getClusterNodesInfo() {
        Running current = running;
        if (current == null) {
            return List.of(new ClusterNodeInfo(localNode, "localhost", node.clock().millis(), true));
        }
        return current.members().infos();
    }

    @Override
    public long getClusterTime() {
        Running current = running;
        return current == null ? node.clock().millis() : current.instance().getCluster().getClusterTime();
    }

    // --- tasks ---

    @Override
    public void doClusterTask(ClusterTask<?> task) {
        Objects.requireNonNull(task, "task");
        Running current = running;
        if (current != null) {
            current.tasks().toOthers(task);
        }
    }

    @Override
    public void doClusterTask(ClusterTask<?> task, NodeID nodeId) {
        Objects.requireNonNull(task, "task");
        requireRunning().tasks().toNode(task, Objects.requireNonNull(nodeId, "nodeId"));
    }

    @Override
    public <V> ClusterTaskResults<V> doSynchronousClusterTask(ClusterTask<V> task, boolean includeLocal, Duration timeout) {
        Objects.requireNonNull(task, "task");
        return requireRunning().tasks().everywhere(task, includeLocal, Objects.requireNonNull(timeout, "timeout"));
    }

    @Override
    public <V> V doSynchronousClusterTask(ClusterTask<V> task, NodeID nodeId, Duration timeout) {
        Objects.requireNonNull(task, "task");
        return requireRunning().tasks().onNode(task, Objects.requireNonNull(nodeId, "nodeId"),
                Objects.requireNonNull(timeout, "timeout"));
    }

    // --- statistics ---

    @Override
    public void updateCacheStats(Collection<CacheStats> localStats) {
        Running current = running;
        if (current == null) {
            return;
        }
        List<CacheStats> stats = new ArrayList<>(localStats.size());
        for (CacheStats s : localStats) {
            ClusteredCache<?, ?> cache = current.caches().get(s.name());
            if (cache != null && name().equals(s.strategy())) {
                // the node's own share: entries it owns, not the cluster-wide count
                stats.add(new CacheStats(s.name(), s.node(), cache.ownedEntryCount(), s.size(), s.maxSize(),
                        s.maxLifetime(), s.hits(), s.misses(), s.strategy()));
            } else {
                stats.add(s);
            }
        }
        current.stats().publish(localNode, stats);
    }

    @Override
    public Map<NodeID, List<CacheStats>> getCacheStats() {
        Running current = running;
        return current == null ? Map.of() : current.stats().read(current.members());
    }

    // --- for the plugin ---

    /** Whether this node is a member of a cluster now. */
    public boolean isMember() {
        return running != null;
    }

    /** The running Hazelcast member, for diagnostics; {@code null} when not a member. */
    public HazelcastInstance hazelcastInstance() {
        Running current = running;
        return current == null ? null : current.instance();
    }

    /** This node's remote packet router; {@code null} when not a member. */
    public HazelcastPacketRouter packetRouter() {
        Running current = running;
        return current == null ? null : current.router();
    }

    /** How many objects from the cluster the deserialization allowlist refused. */
    public long rejectedObjects() {
        return rejected.count();
    }

    /** Stops the member if it still runs (the plugin stops clustering first) and the plugin's thread. */
    @Override
    public void close() {
        synchronized (lifecycle) {
            Running current = running;
            if (current != null) {
                LOG.warn("Node {}: the Hazelcast plugin stops while the node is still a member; shutting the member down", localNode);
                leaving = true;
                try {
                    current.router().stop(false);
                    current.instance().shutdown();
                } finally {
                    reset();
                    leaving = false;
                }
            }
        }
        noticeService.close();
        control.shutdownNow();
        try {
            control.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Running requireRunning() {
        Running current = running;
        if (current == null) {
            throw new ClusterException("node " + localNode + " is not a member of a Hazelcast cluster");
        }
        return current;
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        Throwable cause = e.getCause();
        while (cause != null && cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message)
                + (cause != null && cause != e ? " (cause: " + cause + ")" : "");
    }
}
