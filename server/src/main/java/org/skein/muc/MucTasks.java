package org.skein.muc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.skein.cluster.ClusterTask;
import org.skein.cluster.ClusterTaskResults;
import org.skein.cluster.NodeID;
import org.skein.cluster.TaskContext;
import org.skein.clustering.ClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link MucCluster} of a node in a cluster, with cluster tasks: collecting the views of a room,
 * handing a view to a room's home, running a call on a room's home. None of them is on a per-stanza
 * path: views are collected when a room starts running on a node, pushed after a merge, and calls come
 * from plugins and the admin console.
 */
final class MucTasks implements MucCluster {

    private static final Logger LOG = LoggerFactory.getLogger(MucTasks.class);

    private final ClusterManager cluster;

    MucTasks(ClusterManager cluster) {
        this.cluster = cluster;
    }

    private Duration timeout() {
        return cluster.defaultTaskTimeout();
    }

    @Override
    public List<RoomView> collectViews(String service, String room) {
        ClusterTaskResults<RoomView> results = cluster.doSynchronousClusterTask(new ViewTask(service, room), false, timeout());
        if (!results.failures().isEmpty()) {
            LOG.warn("Room {}: nodes {} did not give their view of the room; their sessions are kept as the others saw them",
                    room, results.failures().keySet());
        }
        List<RoomView> views = new ArrayList<>();
        for (RoomView view : results.results().values()) {
            if (view != null) {
                views.add(view);
            }
        }
        return views;
    }

    @Override
    public void pushView(NodeID home, String service, RoomView view) {
        try {
            cluster.doClusterTask(new PushViewTask(service, view), home);
        } catch (RuntimeException e) {
            LOG.warn("Room {}: could not hand this node's occupants to its home {}: {}", view.room(), home, e.getMessage());
        }
    }

    @Override
    public <T> CompletableFuture<T> callHome(NodeID home, String service, String room, RoomCall<T> call) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return cluster.doSynchronousClusterTask(new CallTask<>(service, room, call), home, timeout());
            } catch (org.skein.cluster.ClusterException e) {
                if (e.getCause() instanceof RuntimeException cause) {
                    throw cause; // the room's own answer (no such room, a conflict), as if the call ran here
                }
                throw e;
            }
        });
    }

    /** The node's group chat, a task service the node registers ({@code MultiUserChat.class}). */
    private static MultiUserChat multiUserChat(TaskContext context) {
        return context.service(MultiUserChat.class);
    }

    private static Rooms rooms(TaskContext context, String service) {
        Rooms rooms = multiUserChat(context).rooms(service);
        if (rooms == null) {
            throw new IllegalStateException("node " + context.nodeId() + " runs no group chat service " + service);
        }
        return rooms;
    }

    /** This node's view of a room (its copy), or {@code null}. */
    record ViewTask(String service, String room) implements ClusterTask<RoomView> {
        @Override
        public RoomView execute(TaskContext context) {
            return rooms(context, service).view(room);
        }
    }

    /** A node's view of a room, for the room's home to add what it did not know. */
    record PushViewTask(String service, RoomView view) implements ClusterTask<Void> {
        @Override
        public Void execute(TaskContext context) {
            rooms(context, service).merge(view);
            return null;
        }
    }

    /** Runs a call on the room's actor here (this node is the room's home) and answers its result. */
    record CallTask<T>(String service, String room, RoomCall<T> call) implements ClusterTask<T> {
        @Override
        public T execute(TaskContext context) throws Exception {
            try {
                return rooms(context, service).callHere(room, call).get(multiUserChat(context).taskTimeout().toMillis(),
                        TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception cause ? cause : e;
            } catch (TimeoutException e) {
                throw new IllegalStateException("room " + room + " did not answer in time", e);
            }
        }
    }
}
