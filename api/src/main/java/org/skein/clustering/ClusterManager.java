package org.skein.clustering;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.skein.cache.CacheFactory;
import org.skein.cluster.ClusterEventListener;
import org.skein.cluster.ClusterException;
import org.skein.cluster.ClusterNodeInfo;
import org.skein.cluster.ForeignMember;
import org.skein.cluster.ClusterTask;
import org.skein.cluster.ClusterTaskResults;
import org.skein.cluster.NodeID;
import org.skein.cluster.Registration;
import org.skein.cluster.UnknownClusterNodeException;
import org.skein.cluster.spi.ClusterMember;
import org.skein.cluster.spi.ClusteringProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's clustering: the switch, the one join/leave/crash/merge protocol, the registry of cluster
 * event listeners and of services for cluster tasks, and the door to cluster work (tasks, members,
 * the senior member, cluster time). One per node, owned by the node object.
 *
 * <h2>Switching</h2>
 * Clustering is on when the node's settings say so ({@code clustering.enabled=true}, per node,
 * persisted by {@link #setClusteringEnabled}). {@link #startup()} joins through the
 * {@link ClusteringProvider} a clustering plugin registered ({@link #registerProvider}); without one it
 * reports a clear error and the node goes on alone. {@link #shutdown()} leaves.
 *
 * <h2>The protocol</h2>
 * Everything that changes the node's membership runs on one thread the node owns, the lifecycle
 * thread ({@code skein-cluster-<node>}): commands (start, stop) and the facts the provider reports
 * (a member left, a merge started or ended, the member was lost, and another node's "I joined") are
 * queued to it and run one at a time, in order. Callers get a future; nobody holds a lock while the
 * provider talks to other nodes.
 * <pre>
 *   join:   provider.join ─▶ the node attaches its parts (packet router, session locator)
 *           ─▶ caches move to the member's storage, local content copied in
 *           ─▶ listeners: joinedCluster() ─▶ held-back facts ─▶ senior? ─▶ the others are told,
 *              and each of them runs joinedCluster(thisNode)
 *   leave:  the node detaches (the router drains) ─▶ caches move to fresh local storage
 *           ─▶ listeners: leftCluster() ─▶ member.leave()
 *   another node left or crashed: listeners: leftCluster(node) ─▶ senior? (the senior forgets its statistics)
 *   merge (this node on the smaller side of a split brain): mergeStarted ─▶ caches local, leftCluster();
 *           mergeEnded ─▶ as a join (caches move, joinedCluster(), held-back facts, senior?, the others told)
 *   member lost (the library stopped on its own): detach ─▶ caches local ─▶ leftCluster(); an error for the console
 * </pre>
 * Facts that arrive while the node joins or merges wait until that is over; a "left" held back during a
 * merge is dropped if the node is a member again by then. A "left" is judged with the members the
 * provider saw when it reported it (who is senior after that departure), not with a later view.
 *
 * <h2>Listeners</h2>
 * {@link ClusterEventListener}s run on the lifecycle thread, one event at a time, by ascending sequence
 * number and, for equal numbers, in the order they were added. A listener that throws is logged and the
 * others are still called. A listener may call {@link #startup()} or {@link #shutdown()}: the command
 * is queued behind the current event, not waited for.
 *
 * <p>Thread-safe.
 */
public final class ClusterManager implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterManager.class);

    /** The configuration key of the clustering switch. */
    public static final String ENABLED_KEY = "clustering.enabled";

    /** Where clustering stands on this node. */
    public enum State { STOPPED, STARTING, STARTED, STOPPING }

    private final NodeID localNode;
    private final ClusterSettings settings;
    private final CacheFactory cacheFactory;
    private final TaskServices taskServices;
    private final LocalTasks localTasks;
    private final Clock clock;
    private final long startTime;
    private final Protocol protocol;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong registrationOrder = new AtomicLong();
    private final Object stateMonitor = new Object();
    private volatile ClusteringProvider provider;
    private volatile State state = State.STOPPED;
    private volatile boolean joinProcessed;
    private volatile String lastError;

    /**
     * @param localNode this node's id
     * @param settings the clustering switch and the task timeout
     * @param cacheFactory the node's caches; this manager takes their switch (see {@link CacheFactory#takeSwitch()})
     * @param taskExecutor the node's bounded executor for the cluster tasks it runs itself while alone
     * @param clock the node's clock (cluster time while alone)
     * @param attachment what the node itself does when it becomes a member and stops being one
     */
    public ClusterManager(NodeID localNode, ClusterSettings settings, CacheFactory cacheFactory, ExecutorService taskExecutor,
                          Clock clock, NodeAttachment attachment) {
        this.localNode = Objects.requireNonNull(localNode, "localNode");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.cacheFactory = Objects.requireNonNull(cacheFactory, "cacheFactory");
        this.taskServices = new TaskServices(localNode);
        this.localTasks = new LocalTasks(taskServices, Objects.requireNonNull(taskExecutor, "taskExecutor"));
        this.clock = Objects.requireNonNull(clock, "clock");
        this.startTime = clock.millis();
        this.protocol = new Protocol(this, cacheFactory.takeSwitch(), Objects.requireNonNull(attachment, "attachment"));
        taskServices.register(Announcements.class, protocol);
    }

    /** Starts the lifecycle thread (it also starts by itself on the first command). Called by the node when it starts. */
    public void start() {
        protocol.start();
    }

    // --- listeners ---

    /** Adds a listener with sequence number 0; see {@link #addListener(ClusterEventListener, int)}. */
    public Registration addListener(ClusterEventListener listener) {
        return addListener(listener, 0);
    }

    /**
     * Adds a listener. Listeners with lower sequence numbers are called first; routing, for example,
     * must have restored its routes before presence is re-sent. The node's own XMPP listener has
     * sequence 10; a plugin that relies on the node's routes and sessions uses a higher number.
     *
     * @return closing it removes the listener (a plugin does so in {@code destroyPlugin})
     */
    public Registration addListener(ClusterEventListener listener, int sequence) {
        Objects.requireNonNull(listener, "listener");
        Listener registration = new Listener(listener, sequence, registrationOrder.getAndIncrement());
        synchronized (listeners) {
            List<Listener> sorted = new ArrayList<>(listeners);
            sorted.add(registration);
            sorted.sort(Comparator.comparingInt(Listener::sequence).thenComparingLong(Listener::order));
            listeners.clear();
            listeners.addAll(sorted);
        }
        return Registration.once(() -> {
            synchronized (listeners) {
                listeners.remove(registration);
            }
        });
    }

    /** Removes every registration of this listener; prefer closing the {@link Registration} {@code addListener} returned. */
    public void removeListener(ClusterEventListener listener) {
        synchronized (listeners) {
            listeners.removeIf(r -> r.listener == listener);
        }
    }

    /** Calls every listener, in order; one that throws is logged and skipped. On the lifecycle thread. */
    void callListeners(String event, Consumer<ClusterEventListener> call) {
        for (Listener registration : listeners) {
            try {
                call.accept(registration.listener);
            } catch (RuntimeException | LinkageError e) {
                LOG.error("Cluster event listener {} failed on {}", registration.listener.getClass().getName(), event, e);
            }
        }
    }

    // --- services for cluster tasks ---

    /**
     * Offers a service to the cluster tasks that run on this node: a task gets it with
     * {@code context.service(type)}. Register under a type of your own (a plugin: one of the plugin's
     * classes), so that tasks name only what they use.
     *
     * @return closing it withdraws the service (a plugin does so in {@code destroyPlugin})
     * @throws IllegalStateException if another service is registered under this type
     */
    public <T> Registration registerTaskService(Class<T> type, T service) {
        return taskServices.register(type, service);
    }

    // --- the provider ---

    /**
     * Registers the clustering provider of a clustering plugin. Only one may be registered at a time.
     * Closing the registration leaves the cluster first if the node is in one (and waits for that,
     * unless it is closed on the lifecycle thread).
     *
     * @throws IllegalStateException if another provider is registered
     */
    public Registration registerProvider(ClusteringProvider clusteringProvider) {
        Objects.requireNonNull(clusteringProvider, "clusteringProvider");
        synchronized (stateMonitor) {
            if (provider != null && provider != clusteringProvider) {
                throw new IllegalStateException("a clustering provider is registered already: " + provider.name());
            }
            provider = clusteringProvider;
        }
        return Registration.once(() -> {
            protocol.cancelJoin(clusteringProvider);
            CompletableFuture<Void> left = protocol.submit("unregister " + clusteringProvider.name(), () -> {
                if (protocol.isMemberOf(clusteringProvider)) {
                    protocol.leave();
                }
                synchronized (stateMonitor) {
                    if (provider == clusteringProvider) {
                        provider = null;
                    }
                }
                return null;
            });
            awaitUnlessOnLifecycleThread(left);
        });
    }

    /** The registered provider, if any. */
    ClusteringProvider provider() {
        return provider;
    }

    /** The name of the registered clustering provider ({@code hazelcast}), if one is registered. */
    public Optional<String> getProviderName() {
        ClusteringProvider current = provider;
        return current == null ? Optional.empty() : Optional.of(current.name());
    }

    /** Whether a clustering plugin has registered its provider. */
    public boolean isClusteringAvailable() {
        return provider != null;
    }

    // --- the switch ---

    public boolean isClusteringEnabled() {
        return settings.isClusteringEnabled();
    }

    /**
     * Turns clustering on or off for this node: persists the setting, then starts or stops clustering
     * on the lifecycle thread.
     *
     * @return completes when starting or stopping is over, with whether the node is now clustered
     */
    public CompletableFuture<Boolean> setClusteringEnabled(boolean enabled) {
        settings.setClusteringEnabled(enabled);
        return enabled ? startClustering() : stopClustering().thenApply(ignored -> false);
    }

    /**
     * Joins the cluster if clustering is enabled and the node is not a member yet, on the lifecycle thread.
     *
     * @return completes with whether the node is in a cluster when the join is over
     */
    public CompletableFuture<Boolean> startClustering() {
        return protocol.submit("start", protocol::join);
    }

    /** Leaves the cluster, if in one, on the lifecycle thread; completes when the caches are local again. */
    public CompletableFuture<Void> stopClustering() {
        return protocol.submit("stop", () -> {
            protocol.leave();
            return null;
        });
    }

    /**
     * Joins the cluster if clustering is enabled and not started yet, and waits until the join is over.
     * Called from a cluster event listener (the lifecycle thread) it queues the join and returns
     * {@code false} at once.
     *
     * @return whether the node is in a cluster when this returns
     */
    public boolean startup() {
        CompletableFuture<Boolean> joined = startClustering();
        return Boolean.TRUE.equals(awaitUnlessOnLifecycleThread(joined));
    }

    /**
     * Leaves the cluster, if in one, and waits until this node's caches are local again. Called from a
     * cluster event listener (the lifecycle thread) it queues the leave and returns at once.
     */
    public void shutdown() {
        awaitUnlessOnLifecycleThread(stopClustering());
    }

    private <T> T awaitUnlessOnLifecycleThread(CompletableFuture<T> future) {
        if (protocol.isLifecycleThread()) {
            return null;
        }
        return future.join();
    }

    /** Records why clustering could not start or broke down, for the admin console. */
    void reportError(String message) {
        lastError = message;
    }

    public State getState() {
        return state;
    }

    /** Why clustering last failed to start or broke down, if it did. */
    public Optional<String> getLastError() {
        return Optional.ofNullable(lastError);
    }

    /** Whether this node is in a cluster and has restored its local state into it. */
    public boolean isClusteringStarted() {
        return state == State.STARTED && joinProcessed;
    }

    public boolean isClusteringStarting() {
        return state == State.STARTING;
    }

    /** Waits until {@link #isClusteringStarted()}; returns whether it is. */
    public boolean waitForClusteringStarted(Duration timeout) throws InterruptedException {
        return awaitState(this::isClusteringStarted, timeout);
    }

    /** Waits until clustering is stopped and the caches are local; returns whether they are. */
    public boolean waitForClusteringStopped(Duration timeout) throws InterruptedException {
        return awaitState(() -> state == State.STOPPED && !cacheFactory.isClustered(), timeout);
    }

    private boolean awaitState(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (stateMonitor) {
            while (!condition.getAsBoolean()) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(stateMonitor, remaining);
            }
            return true;
        }
    }

    void setState(State newState, boolean processed) {
        synchronized (stateMonitor) {
            state = newState;
            joinProcessed = processed;
            stateMonitor.notifyAll();
        }
    }

    // --- members ---

    /** Whether this node is the senior (oldest) member of its cluster, or not clustered at all. */
    public boolean isSeniorClusterMember() {
        return getSeniorClusterMember().equals(localNode);
    }

    /** The senior member, or this node when not clustered. */
    public NodeID getSeniorClusterMember() {
        ClusterMember member = protocol.member();
        if (member == null) {
            return localNode;
        }
        List<ClusterNodeInfo> members = member.membership().members();
        return members.isEmpty() ? localNode : members.get(0).nodeId();
    }

    public NodeID getLocalNode() {
        return localNode;
    }

    /** The members of the cluster, this node included, the senior first (only this node when not clustered). */
    public Collection<ClusterNodeInfo> getNodesInfo() {
        ClusterMember member = protocol.member();
        return member == null ? List.of(new ClusterNodeInfo(localNode, "localhost", startTime, true))
                : member.membership().members();
    }

    /**
     * The members of the cluster's network that this node does not trust as Skein nodes (no node id, no or a
     * wrong proof of the cluster secret); empty when not clustered.
     */
    public List<ForeignMember> getForeignMembers() {
        ClusterMember member = protocol.member();
        return member == null ? List.of() : member.membership().foreignMembers();
    }

    /** A member of the cluster, if the node is one (this node is always one). */
    public Optional<ClusterNodeInfo> getNodeInfo(NodeID nodeId) {
        Objects.requireNonNull(nodeId, "nodeId");
        return getNodesInfo().stream().filter(info -> info.nodeId().equals(nodeId)).findFirst();
    }

    /** Milliseconds since the epoch on the cluster's clock (this node's clock when alone). */
    public long getClusterTime() {
        ClusterMember member = protocol.member();
        return member == null ? clock.millis() : member.membership().clusterTime();
    }

    // --- cluster tasks ---

    /** Runs a task on every other node without waiting; does nothing when alone. */
    public void doClusterTask(ClusterTask<?> task) {
        Objects.requireNonNull(task, "task");
        ClusterMember member = protocol.member();
        if (member != null) {
            member.tasks().toOthers(task);
        }
    }

    /**
     * Runs a task on one node (which may be this one) without waiting.
     *
     * @throws UnknownClusterNodeException if the node is not a member
     */
    public void doClusterTask(ClusterTask<?> task, NodeID nodeId) {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(nodeId, "nodeId");
        ClusterMember member = protocol.member();
        if (member == null) {
            localTasks.toNode(task, nodeId);
        } else {
            member.tasks().toNode(task, nodeId);
        }
    }

    /** Runs a task on the other nodes (and this one) and waits for the results, with the default timeout. */
    public <V> ClusterTaskResults<V> doSynchronousClusterTask(ClusterTask<V> task, boolean includeLocal) {
        return doSynchronousClusterTask(task, includeLocal, defaultTaskTimeout());
    }

    /**
     * Runs a task on the other nodes (and this one if {@code includeLocal}) and waits at most
     * {@code timeout} in all for the results; nodes that did not answer in time or failed are in the
     * results' failures (this method does not throw for them).
     */
    public <V> ClusterTaskResults<V> doSynchronousClusterTask(ClusterTask<V> task, boolean includeLocal, Duration timeout) {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(timeout, "timeout");
        ClusterMember member = protocol.member();
        return member == null ? localTasks.everywhere(task, includeLocal, timeout)
                : member.tasks().everywhere(task, includeLocal, timeout);
    }

    /** Runs a task on one node and waits for its result, with the default timeout. */
    public <V> V doSynchronousClusterTask(ClusterTask<V> task, NodeID nodeId) {
        return doSynchronousClusterTask(task, nodeId, defaultTaskTimeout());
    }

    /**
     * Runs a task on one node and waits at most {@code timeout} for its result.
     *
     * @throws UnknownClusterNodeException if the node is not a member
     * @throws ClusterException if the task failed (with its exception as the cause) or timed out
     *         (with a {@link java.util.concurrent.TimeoutException} as the cause)
     */
    public <V> V doSynchronousClusterTask(ClusterTask<V> task, NodeID nodeId, Duration timeout) {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(timeout, "timeout");
        ClusterMember member = protocol.member();
        return member == null ? localTasks.onNode(task, nodeId, timeout) : member.tasks().onNode(task, nodeId, timeout);
    }

    /** The default timeout of synchronous tasks: {@code cluster.task.timeout}, 10 seconds unless configured. */
    public Duration defaultTaskTimeout() {
        return settings.taskTimeout();
    }

    /**
     * Leaves the cluster if in one and stops the lifecycle thread. Called by the node when it stops
     * (not from a listener).
     */
    @Override
    public void close() {
        protocol.close();
    }

    /** What cluster tasks that arrive at this node are handed. */
    TaskServices taskContext() {
        return taskServices;
    }

    ClusterSettings settings() {
        return settings;
    }

    NodeID localNode() {
        return localNode;
    }

    private record Listener(ClusterEventListener listener, int sequence, long order) {
    }
}
