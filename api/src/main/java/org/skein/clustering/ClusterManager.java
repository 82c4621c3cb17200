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
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.skein.cache.CacheFactory;
import org.skein.cache.CacheFactoryStrategy;
import org.skein.cluster.ClusterEventListener;
import org.skein.cluster.ClusterException;
import org.skein.cluster.ClusterNodeInfo;
import org.skein.cluster.ClusterTask;
import org.skein.cluster.ClusterTaskResults;
import org.skein.cluster.NodeID;
import org.skein.cluster.Registration;
import org.skein.cluster.UnknownClusterNodeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's clustering switch and its cluster event dispatcher. One per node.
 *
 * <h2>Switching</h2>
 * Clustering is on when {@code clustering.enabled=true} in the node's configuration (per node, and
 * persisted by {@link #setClusteringEnabled}). {@link #startup()} joins the cluster through the
 * clustered strategy a plugin registered with the cache factory; without such a plugin it reports a
 * clear error and the node goes on alone. {@link #shutdown()} leaves the cluster.
 *
 * <h2>Events</h2>
 * The clustered strategy reports what happens by calling the {@code fire...} methods. Events go into
 * one queue and are delivered by one dispatcher thread, in order. For this node's own join the
 * dispatcher first switches the caches to the cluster ({@link CacheFactory#joinedCluster()}), for its
 * own leave it first switches them back ({@link CacheFactory#leftCluster()}); then it calls every
 * {@link ClusterEventListener}, by ascending sequence number and, for equal numbers, in the order they
 * were added. A listener that throws is logged and skipped.
 *
 * <pre>
 *   strategy ──fire...()──▶ [ event queue ] ──▶ dispatcher thread
 *                                                  │ own join:  caches → clustered
 *                                                  │ own leave: caches → local
 *                                                  ▼
 *                                  listener(seq 0) → listener(seq 10) → ...
 * </pre>
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
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong registrationOrder = new AtomicLong();
    private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final Object lifecycle = new Object();
    private final Object stateMonitor = new Object();
    private final ExecutorService control;
    private volatile Thread dispatcher;
    private volatile boolean closed;
    private volatile State state = State.STOPPED;
    private volatile boolean joinProcessed;
    private volatile String lastError;

    /**
     * @param localNode this node's id
     * @param settings the clustering switch and the task timeout
     * @param cacheFactory the node's caches, swapped to the cluster and back
     * @param taskServices the services this node offers cluster tasks (the tasks' {@link org.skein.cluster.TaskContext})
     * @param taskExecutor the node's bounded executor for the cluster tasks it runs itself while alone
     * @param clock the node's clock (cluster time while alone)
     */
    public ClusterManager(NodeID localNode, ClusterSettings settings, CacheFactory cacheFactory, TaskServices taskServices,
                          ExecutorService taskExecutor, Clock clock) {
        this.localNode = Objects.requireNonNull(localNode, "localNode");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.cacheFactory = Objects.requireNonNull(cacheFactory, "cacheFactory");
        this.taskServices = Objects.requireNonNull(taskServices, "taskServices");
        if (!taskServices.nodeId().equals(localNode)) {
            throw new IllegalArgumentException("the task services are node " + taskServices.nodeId() + "'s, not " + localNode + "'s");
        }
        this.localTasks = new LocalTasks(taskServices, Objects.requireNonNull(taskExecutor, "taskExecutor"));
        this.clock = Objects.requireNonNull(clock, "clock");
        this.startTime = clock.millis();
        this.control = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "skein-cluster-control-" + localNode);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts the event dispatcher thread. Called once by the node when it starts. */
    public void start() {
        synchronized (lifecycle) {
            if (dispatcher != null || closed) {
                return;
            }
            Thread thread = new Thread(this::dispatchLoop, "skein-cluster-events-" + localNode);
            thread.setDaemon(true);
            dispatcher = thread;
            thread.start();
        }
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

    /**
     * What cluster tasks that arrive at this node are handed. For the clustering provider that runs
     * them; it goes away with the clustering SPI split (the provider will be given it).
     */
    public org.skein.cluster.TaskContext taskContext() {
        return taskServices;
    }

    // --- the switch ---

    public boolean isClusteringEnabled() {
        return settings.isClusteringEnabled();
    }

    /** Whether a clustering plugin has registered its strategy. */
    public boolean isClusteringAvailable() {
        return cacheFactory.getClusteredStrategy().isPresent();
    }

    /**
     * Turns clustering on or off for this node: persists {@code clustering.enabled} and then starts or
     * stops clustering on a background thread.
     *
     * @return completes when starting or stopping is over, with whether the node is now clustered
     */
    public CompletableFuture<Boolean> setClusteringEnabled(boolean enabled) {
        settings.setClusteringEnabled(enabled);
        return CompletableFuture.supplyAsync(() -> {
            if (enabled) {
                return startup();
            }
            shutdown();
            return false;
        }, control);
    }

    /**
     * Joins the cluster if clustering is enabled and not started yet. Blocks while the clustered
     * strategy joins.
     *
     * @return whether the node is in a cluster (or joining one) when this returns
     */
    public boolean startup() {
        synchronized (lifecycle) {
            if (!isClusteringEnabled()) {
                LOG.info("Clustering is disabled ({}={} in {})", ENABLED_KEY, false, settings.source());
                return false;
            }
            if (state == State.STARTED || state == State.STARTING) {
                return true;
            }
            Optional<CacheFactoryStrategy> strategy = cacheFactory.getClusteredStrategy();
            if (strategy.isEmpty()) {
                lastError = "Clustering is enabled (" + ENABLED_KEY + "=true in " + settings.source()
                        + ") but no clustering plugin is loaded: put the Hazelcast plugin jar into the node's plugins folder";
                LOG.warn(lastError);
                return false;
            }
            start();
            lastError = null;
            setState(State.STARTING);
            LOG.info("Starting clustering with the {} strategy", strategy.get().name());
            boolean started;
            try {
                started = cacheFactory.startClustering();
            } catch (RuntimeException e) {
                LOG.error("The {} strategy could not start clustering", strategy.get().name(), e);
                lastError = "The " + strategy.get().name() + " plugin could not start clustering: " + e.getMessage();
                started = false;
            }
            if (!started) {
                if (lastError == null) {
                    lastError = "The " + strategy.get().name() + " plugin could not join a cluster; see its log for the reason";
                }
                if (cacheFactory.isClustered()) {
                    fireLeftCluster(true);
                }
                setState(State.STOPPED);
                return false;
            }
            return true;
        }
    }

    /** Leaves the cluster, if in one, and waits until this node's caches are local again. */
    public void shutdown() {
        synchronized (lifecycle) {
            if (state == State.STOPPED && !cacheFactory.isClustered()) {
                return;
            }
            setState(State.STOPPING);
            try {
                cacheFactory.stopClustering();
            } catch (RuntimeException e) {
                LOG.error("The clustered strategy failed while leaving the cluster", e);
            }
            if (cacheFactory.isClustered()) {
                // the strategy did not report the leave itself
                fireLeftCluster(true);
            }
            setState(State.STOPPED);
            LOG.info("Clustering stopped");
        }
    }

    /** Records why clustering could not start or broke down, for the admin console. */
    public void reportError(String message) {
        lastError = message;
    }

    public State getState() {
        return state;
    }

    /** Why clustering last failed to start, if it did. */
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

    /** Whether this node is the senior (oldest) member of its cluster, or not clustered at all. */
    public boolean isSeniorClusterMember() {
        CacheFactoryStrategy clustered = clustered();
        return clustered == null || clustered.isSeniorClusterMember();
    }

    /** The senior member, or this node when not clustered. */
    public NodeID getSeniorClusterMember() {
        CacheFactoryStrategy clustered = clustered();
        return clustered == null ? localNode : clustered.getSeniorClusterMember();
    }

    public NodeID getLocalNode() {
        return localNode;
    }

    /** The members of the cluster, this node included (only this node when not clustered). */
    public Collection<ClusterNodeInfo> getNodesInfo() {
        CacheFactoryStrategy clustered = clustered();
        return clustered == null ? List.of(new ClusterNodeInfo(localNode, "localhost", startTime, true))
                : clustered.getClusterNodesInfo();
    }

    /** A member of the cluster, if the node is one (this node is always one). */
    public Optional<ClusterNodeInfo> getNodeInfo(NodeID nodeId) {
        Objects.requireNonNull(nodeId, "nodeId");
        return getNodesInfo().stream().filter(info -> info.nodeId().equals(nodeId)).findFirst();
    }

    /** Milliseconds since the epoch on the cluster's clock (this node's clock when alone). */
    public long getClusterTime() {
        CacheFactoryStrategy clustered = clustered();
        return clustered == null ? clock.millis() : clustered.getClusterTime();
    }

    /** The clustered strategy while the caches are clustered, else {@code null} (the node is alone). */
    private CacheFactoryStrategy clustered() {
        return cacheFactory.isClustered() ? cacheFactory.getCurrentStrategy() : null;
    }

    // --- cluster tasks ---

    /** Runs a task on every other node without waiting; does nothing when alone. */
    public void doClusterTask(ClusterTask<?> task) {
        Objects.requireNonNull(task, "task");
        CacheFactoryStrategy clustered = clustered();
        if (clustered != null) {
            clustered.doClusterTask(task);
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
        CacheFactoryStrategy clustered = clustered();
        if (clustered == null) {
            localTasks.toNode(task, nodeId);
        } else {
            clustered.doClusterTask(task, nodeId);
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
        CacheFactoryStrategy clustered = clustered();
        return clustered == null ? localTasks.everywhere(task, includeLocal, timeout)
                : clustered.doSynchronousClusterTask(task, includeLocal, timeout);
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
        CacheFactoryStrategy clustered = clustered();
        return clustered == null ? localTasks.onNode(task, nodeId, timeout) : clustered.doSynchronousClusterTask(task, nodeId, timeout);
    }

    /** The default timeout of synchronous tasks: {@code cluster.task.timeout}, 10 seconds unless configured. */
    public Duration defaultTaskTimeout() {
        return settings.taskTimeout();
    }

    /** Waits until {@link #isClusteringStarted()}; returns whether it is. */
    public boolean waitForClusteringStarted(Duration timeout) throws InterruptedException {
        return awaitState(this::isClusteringStarted, timeout);
    }

    /** Waits until clustering is stopped and the caches are local; returns whether they are. */
    public boolean waitForClusteringStopped(Duration timeout) throws InterruptedException {
        return awaitState(() -> state == State.STOPPED && !cacheFactory.isClustered(), timeout);
    }

    private boolean awaitState(java.util.function.BooleanSupplier condition, Duration timeout) throws InterruptedException {
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

    private void setState(State newState) {
        synchronized (stateMonitor) {
            state = newState;
            if (newState != State.STARTED) {
                joinProcessed = false;
            }
            stateMonitor.notifyAll();
        }
    }

    private void markJoinProcessed() {
        synchronized (stateMonitor) {
            joinProcessed = true;
            stateMonitor.notifyAll();
        }
    }

    // --- events, fired by the clustered strategy ---

    /**
     * This node joined a cluster: switches the caches and calls the listeners.
     *
     * @param wait whether to block until every listener was called (ignored on the dispatcher thread)
     */
    public void fireJoinedCluster(boolean wait) {
        enqueue(new Event(EventType.JOINED, null), wait);
    }

    /** Another node joined the cluster (after it restored its own state). */
    public void fireJoinedCluster(NodeID nodeId, boolean wait) {
        enqueue(new Event(EventType.NODE_JOINED, Objects.requireNonNull(nodeId, "nodeId")), wait);
    }

    /** This node left the cluster: switches the caches back and calls the listeners. */
    public void fireLeftCluster(boolean wait) {
        enqueue(new Event(EventType.LEFT, null), wait);
    }

    /** Another node left the cluster or crashed. */
    public void fireLeftCluster(NodeID nodeId, boolean wait) {
        enqueue(new Event(EventType.NODE_LEFT, Objects.requireNonNull(nodeId, "nodeId")), wait);
    }

    /** This node became the senior member. */
    public void fireMarkedAsSeniorClusterMember() {
        enqueue(new Event(EventType.SENIOR, null), false);
    }

    private void enqueue(Event event, boolean wait) {
        if (closed) {
            LOG.debug("Cluster event {} after close is ignored", event);
            return;
        }
        Thread thread = dispatcher;
        if (thread == null) {
            throw new IllegalStateException("the cluster manager of node " + localNode + " is not started");
        }
        events.add(event);
        if (wait && Thread.currentThread() != thread) {
            event.done.join();
        }
    }

    private void dispatchLoop() {
        while (!closed) {
            Event event;
            try {
                event = events.take();
            } catch (InterruptedException e) {
                if (closed) {
                    break;
                }
                continue;
            }
            try {
                dispatch(event);
            } catch (RuntimeException | Error e) {
                LOG.error("Cluster event {} failed", event, e);
            } finally {
                event.done.complete(null);
            }
        }
        // release anyone still waiting
        Event left;
        while ((left = events.poll()) != null) {
            left.done.complete(null);
        }
    }

    private void dispatch(Event event) {
        LOG.debug("Dispatching {}", event);
        switch (event.type) {
            case JOINED:
                cacheFactory.joinedCluster();
                setState(State.STARTED);
                callListeners(event, ClusterEventListener::joinedCluster);
                markJoinProcessed();
                LOG.info("Joined the cluster as {} (senior: {})", localNode, isSeniorClusterMember());
                break;
            case LEFT:
                if (state == State.STARTED || state == State.STARTING) {
                    setState(State.STOPPING);
                }
                cacheFactory.leftCluster();
                callListeners(event, ClusterEventListener::leftCluster);
                setState(State.STOPPED);
                LOG.info("Left the cluster");
                break;
            case NODE_JOINED:
                callListeners(event, l -> l.joinedCluster(event.nodeId));
                break;
            case NODE_LEFT:
                callListeners(event, l -> l.leftCluster(event.nodeId));
                break;
            case SENIOR:
                callListeners(event, ClusterEventListener::markedAsSeniorClusterMember);
                break;
            default:
                throw new IllegalStateException("unknown event " + event.type);
        }
    }

    private void callListeners(Event event, java.util.function.Consumer<ClusterEventListener> call) {
        for (Listener registration : listeners) {
            try {
                call.accept(registration.listener);
            } catch (RuntimeException | LinkageError e) {
                LOG.error("Cluster event listener {} failed on {}", registration.listener.getClass().getName(), event, e);
            }
        }
    }

    /** Leaves the cluster if in one and stops the dispatcher. Called by the node when it stops. */
    @Override
    public void close() {
        shutdown();
        synchronized (lifecycle) {
            closed = true;
            Thread thread = dispatcher;
            if (thread != null) {
                thread.interrupt();
                try {
                    thread.join(TimeUnit.SECONDS.toMillis(10));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        control.shutdownNow();
        try {
            control.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private enum EventType { JOINED, NODE_JOINED, LEFT, NODE_LEFT, SENIOR }

    private static final class Event {
        final EventType type;
        final NodeID nodeId;
        final CompletableFuture<Void> done = new CompletableFuture<>();

        Event(EventType type, NodeID nodeId) {
            this.type = type;
            this.nodeId = nodeId;
        }

        @Override
        public String toString() {
            return nodeId == null ? type.toString() : type + "(" + nodeId + ")";
        }
    }

    private record Listener(ClusterEventListener listener, int sequence, long order) {
    }
}
