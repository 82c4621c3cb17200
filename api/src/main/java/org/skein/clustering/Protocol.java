package org.skein.clustering;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.skein.cache.CacheFactory;
import org.skein.cluster.ClusterEventListener;
import org.skein.cluster.ClusterException;
import org.skein.cluster.ClusterNodeInfo;
import org.skein.cluster.NodeID;
import org.skein.cluster.TaskContext;
import org.skein.cluster.spi.ClusterMember;
import org.skein.cluster.spi.ClusteringProvider;
import org.skein.cluster.spi.MemberContext;
import org.skein.cluster.spi.MembershipEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The join/leave/crash/merge protocol of one node (see {@link ClusterManager} for the steps), and the
 * lifecycle thread that runs it: commands and facts are queued and run one at a time, in order.
 * Everything but the queue, {@link #member()} and the thread itself is touched only on that thread.
 */
final class Protocol implements Announcements {

    private static final Logger LOG = LoggerFactory.getLogger(Protocol.class);

    /** One membership: the provider, the member, and the generation its events carry. */
    private record Membership(long generation, ClusteringProvider provider, ClusterMember member) {
    }

    private final ClusterManager manager;
    private final NodeID localNode;
    private final CacheFactory.Switch caches;
    private final NodeAttachment attachment;
    private final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
    private final Object threadLock = new Object();
    private Thread thread;
    private volatile boolean closed;
    private volatile Membership current;
    private volatile ClusteringProvider joining;
    // lifecycle thread only:
    private long generations;
    private boolean merging;
    private boolean senior;
    private final List<Runnable> heldBack = new ArrayList<>();

    Protocol(ClusterManager manager, CacheFactory.Switch caches, NodeAttachment attachment) {
        this.manager = manager;
        this.localNode = manager.localNode();
        this.caches = caches;
        this.attachment = attachment;
    }

    // --- the lifecycle thread ---

    void start() {
        synchronized (threadLock) {
            if (thread != null || closed) {
                return;
            }
            Thread created = new Thread(this::run, "skein-cluster-" + localNode);
            created.setDaemon(true);
            thread = created;
            created.start();
        }
    }

    boolean isLifecycleThread() {
        return Thread.currentThread() == thread;
    }

    /** Queues a command; the future completes with its result (or its exception) once it ran. */
    <T> CompletableFuture<T> submit(String what, Callable<T> command) {
        CompletableFuture<T> done = new CompletableFuture<>();
        if (closed) {
            LOG.debug("Node {}: '{}' after the cluster manager was closed is ignored", localNode, what);
            done.completeExceptionally(new ClusterException("the cluster manager of node " + localNode + " is closed"));
            return done;
        }
        start();
        queue.add(() -> {
            try {
                done.complete(command.call());
            } catch (Exception | Error e) {
                LOG.error("Node {}: cluster command '{}' failed", localNode, what, e);
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    /** Queues a fact; never blocks, never fails (a fact after close is dropped). */
    private void fact(String what, Runnable fact) {
        if (closed) {
            LOG.debug("Node {}: cluster event '{}' after close is ignored", localNode, what);
            return;
        }
        start();
        queue.add(() -> {
            try {
                fact.run();
            } catch (RuntimeException | Error e) {
                LOG.error("Node {}: cluster event '{}' failed", localNode, what, e);
            }
        });
    }

    private void run() {
        while (!closed || !queue.isEmpty()) {
            Runnable next;
            try {
                next = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                continue; // an interrupt meant for a provider's join that had already returned
            }
            if (next != null) {
                next.run();
                Thread.interrupted(); // an interrupt aimed at a join must not leak into the next command
            }
        }
    }

    /** Leaves the cluster if in one, then stops the thread once the queue is empty. */
    void close() {
        if (closed) {
            return;
        }
        if (isLifecycleThread()) {
            throw new IllegalStateException("the cluster manager cannot be closed from a cluster event listener");
        }
        CompletableFuture<Void> left = submit("close", () -> {
            leave();
            return null;
        });
        try {
            left.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("Node {} did not leave the cluster cleanly while closing: {}", localNode, e.toString());
        }
        closed = true;
        Thread running;
        synchronized (threadLock) {
            running = thread;
        }
        if (running != null) {
            try {
                running.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // --- queries, any thread ---

    /** The running member, or {@code null} when the node is alone. */
    ClusterMember member() {
        Membership now = current;
        return now == null ? null : now.member();
    }

    boolean isMemberOf(ClusteringProvider provider) {
        Membership now = current;
        return now != null && now.provider() == provider;
    }

    /** Stops a provider's join in progress (its plugin is being unloaded): the lifecycle thread is interrupted. */
    void cancelJoin(ClusteringProvider provider) {
        if (joining == provider) {
            Thread running;
            synchronized (threadLock) {
                running = thread;
            }
            if (running != null) {
                running.interrupt();
            }
        }
    }

    // --- commands, on the lifecycle thread ---

    /** Joins if clustering is enabled and the node is not a member. */
    boolean join() {
        if (current != null) {
            return true;
        }
        ClusterSettings settings = manager.settings();
        if (!settings.isClusteringEnabled()) {
            LOG.info("Clustering is disabled ({}={} in {})", ClusterManager.ENABLED_KEY, false, settings.source());
            return false;
        }
        ClusteringProvider provider = manager.provider();
        if (provider == null) {
            manager.reportError("Clustering is enabled (" + ClusterManager.ENABLED_KEY + "=true in " + settings.source()
                    + ") but no clustering plugin is loaded: put the Hazelcast plugin jar into the node's plugins folder");
            LOG.warn(manager.getLastError().orElseThrow());
            return false;
        }
        manager.reportError(null);
        manager.setState(ClusterManager.State.STARTING, false);
        LOG.info("Node {} starts clustering with the {} provider", localNode, provider.name());
        long generation = ++generations;
        ClusterMember member;
        joining = provider;
        try {
            member = provider.join(new Context(generation));
        } catch (RuntimeException e) {
            LOG.error("The {} provider could not start clustering on node {}", provider.name(), localNode, e);
            manager.reportError("The " + provider.name() + " plugin could not start clustering: " + e.getMessage());
            manager.setState(ClusterManager.State.STOPPED, false);
            return false;
        } finally {
            joining = null;
            Thread.interrupted();
        }
        if (member == null) {
            manager.reportError("The " + provider.name() + " plugin could not join a cluster; see its log for the reason");
            manager.setState(ClusterManager.State.STOPPED, false);
            return false;
        }
        Membership started = new Membership(generation, provider, member);
        try {
            attachment.attach(member);
        } catch (RuntimeException e) {
            LOG.error("Node {} could not attach to its new membership; it leaves again", localNode, e);
            manager.reportError("The node could not use the " + provider.name() + " member: " + e.getMessage());
            quietly("leave the member", member::leave);
            manager.setState(ClusterManager.State.STOPPED, false);
            return false;
        }
        current = started;
        try {
            caches.toClustered(member.caches());
        } catch (RuntimeException e) {
            LOG.error("Node {} could not move its caches into the cluster; it leaves again", localNode, e);
            manager.reportError("The node's caches could not move into the " + provider.name() + " cluster: " + e.getMessage());
            quietly("detach from the member", () -> attachment.detach(false));
            caches.toLocal();
            current = null;
            quietly("leave the member", member::leave);
            manager.setState(ClusterManager.State.STOPPED, false);
            return false;
        }
        joined(started, "Joined the cluster");
        return true;
    }

    /** The caches are clustered: listeners, held-back facts, senior, announcement. */
    private void joined(Membership membership, String what) {
        manager.setState(ClusterManager.State.STARTED, false);
        manager.callListeners("joinedCluster()", ClusterEventListener::joinedCluster);
        manager.setState(ClusterManager.State.STARTED, true);
        LOG.info("{} as {} ({} members)", what, localNode, membership.member().membership().members().size());
        List<Runnable> held = new ArrayList<>(heldBack);
        heldBack.clear();
        held.forEach(Runnable::run);
        if (!senior && localNode.equals(membership.member().membership().senior())) {
            senior = true;
            manager.callListeners("markedAsSeniorClusterMember()", ClusterEventListener::markedAsSeniorClusterMember);
        }
        try {
            membership.member().tasks().toOthers(new JoinedNotice(localNode));
        } catch (RuntimeException e) {
            LOG.warn("Node {} could not tell the other members that it joined: {}", localNode, e.toString());
        }
    }

    /** Leaves cleanly if the node is a member. */
    void leave() {
        Membership leaving = current;
        if (leaving == null) {
            if (manager.getState() != ClusterManager.State.STOPPED) {
                manager.setState(ClusterManager.State.STOPPED, false);
            }
            return;
        }
        manager.setState(ClusterManager.State.STOPPING, false);
        quietly("detach from the member", () -> attachment.detach(true));
        quietly("tell the caches the member leaves", leaving.member().caches()::leaving);
        caches.toLocal();
        current = null;
        manager.callListeners("leftCluster()", ClusterEventListener::leftCluster);
        quietly("leave the cluster", leaving.member()::leave);
        reset();
        manager.setState(ClusterManager.State.STOPPED, false);
        LOG.info("Node {} left the cluster", localNode);
    }

    private void reset() {
        merging = false;
        senior = false;
        heldBack.clear();
    }

    // --- facts, on the lifecycle thread ---

    private boolean isCurrent(long generation) {
        Membership now = current;
        return now != null && now.generation() == generation;
    }

    /**
     * Another node left.
     *
     * @param view the members as the provider saw them when it reported the fact ({@code null} if it
     *        reported it before this node's join was over): who is senior after this departure
     */
    private void memberLeft(long generation, NodeID node, List<ClusterNodeInfo> view) {
        if (!isCurrent(generation) || node.equals(localNode)) {
            return;
        }
        if (merging) {
            heldBack.add(() -> afterMerge(generation, node));
            return;
        }
        left(node, view);
    }

    /** A departure held back during a merge: dropped if the node is a member again by now. */
    private void afterMerge(long generation, NodeID node) {
        if (!isCurrent(generation)) {
            return;
        }
        if (current.member().membership().isMember(node)) {
            LOG.debug("Node {} left during a merge and is a member again; its departure is not reported", node);
            return;
        }
        left(node, null);
    }

    private void left(NodeID node, List<ClusterNodeInfo> view) {
        Membership now = current;
        manager.callListeners("leftCluster(" + node + ")", l -> l.leftCluster(node));
        List<ClusterNodeInfo> members = view == null ? now.member().membership().members() : view;
        if (!senior && !members.isEmpty() && localNode.equals(members.get(0).nodeId())) {
            senior = true;
            manager.callListeners("markedAsSeniorClusterMember()", ClusterEventListener::markedAsSeniorClusterMember);
        }
        if (senior) {
            quietly("forget the cache statistics of node " + node, () -> now.member().caches().forgetStats(node));
        }
    }

    @Override
    public void nodeJoined(NodeID node) {
        fact("joinedCluster(" + node + ")", () -> announced(node));
    }

    private void announced(NodeID node) {
        if (current == null || node.equals(localNode)) {
            return;
        }
        if (merging) {
            heldBack.add(() -> announced(node));
            return;
        }
        if (!current.member().membership().isMember(node)) {
            LOG.debug("Node {} announced its join but is no longer a member; the announcement is dropped", node);
            return;
        }
        manager.callListeners("joinedCluster(" + node + ")", l -> l.joinedCluster(node));
    }

    private void mergeStarted(long generation) {
        if (!isCurrent(generation) || merging) {
            return;
        }
        merging = true;
        senior = false;
        LOG.warn("Node {} is on the smaller side of a split brain: it leaves and joins the larger cluster", localNode);
        manager.setState(ClusterManager.State.STARTING, false);
        caches.toLocal();
        manager.callListeners("leftCluster()", ClusterEventListener::leftCluster);
    }

    private void mergeEnded(long generation, boolean merged) {
        if (!isCurrent(generation) || !merging) {
            return;
        }
        merging = false;
        Membership now = current;
        if (merged) {
            LOG.info("Node {} merged into the larger cluster; restoring its local state there", localNode);
        } else {
            LOG.warn("Node {} could not merge into the other cluster; it stays in its own", localNode);
        }
        caches.toClustered(now.member().caches());
        joined(now, merged ? "Merged into the cluster" : "Rejoined its own cluster");
    }

    private void memberLost(long generation, String reason) {
        if (!isCurrent(generation)) {
            return;
        }
        LOG.error("The cluster member of node {} stopped on its own ({}); the node goes on alone", localNode, reason);
        manager.reportError(reason);
        quietly("detach from the lost member", () -> attachment.detach(false));
        caches.toLocal();
        current = null;
        reset();
        manager.callListeners("leftCluster()", ClusterEventListener::leftCluster);
        manager.setState(ClusterManager.State.STOPPED, false);
    }

    private void quietly(String what, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            LOG.warn("Node {} could not {}", localNode, what, e);
        }
    }

    /** The context and event sink of one membership: its facts carry its generation. */
    private final class Context implements MemberContext, MembershipEvents {
        private final long generation;

        Context(long generation) {
            this.generation = generation;
        }

        @Override
        public NodeID nodeId() {
            return localNode;
        }

        @Override
        public TaskContext taskContext() {
            return manager.taskContext();
        }

        @Override
        public MembershipEvents events() {
            return this;
        }

        @Override
        public void memberLeft(NodeID node) {
            List<ClusterNodeInfo> view = viewNow();
            fact("leftCluster(" + node + ")", () -> Protocol.this.memberLeft(generation, node, view));
        }

        /**
         * The members now, read on the provider's thread as it reports a fact (a local read): the fact is
         * judged by the membership it came with, not by a later one (after a merge, say).
         */
        private List<ClusterNodeInfo> viewNow() {
            Membership now = current;
            if (now == null || now.generation() != generation) {
                return null;
            }
            try {
                return List.copyOf(now.member().membership().members());
            } catch (RuntimeException e) {
                return null;
            }
        }

        @Override
        public void mergeStarted() {
            fact("merge started", () -> Protocol.this.mergeStarted(generation));
        }

        @Override
        public void mergeEnded(boolean merged) {
            fact("merge ended", () -> Protocol.this.mergeEnded(generation, merged));
        }

        @Override
        public void memberLost(String reason) {
            fact("member lost", () -> Protocol.this.memberLost(generation, reason));
        }
    }
}
