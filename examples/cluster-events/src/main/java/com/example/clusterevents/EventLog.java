package com.example.clusterevents;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;
import org.skein.cluster.ClusterEventListener;
import org.skein.cluster.NodeID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hears the cluster events of one node: logs them, keeps the last ones for the admin page, announces
 * them (in the plugin's group chat room), and puts
 * this node's {@link Visit} back into the cache whenever the node joins or leaves a cluster (the
 * cache then moves between local and clustered storage, and a plugin restores what is its own).
 */
final class EventLog implements ClusterEventListener {

    private static final Logger LOG = LoggerFactory.getLogger(EventLog.class);
    private static final int KEPT = 100;

    private final Deque<String> events = new ArrayDeque<>();
    private final Runnable restoreOwnState;
    private final Consumer<String> announce;

    EventLog(Runnable restoreOwnState, Consumer<String> announce) {
        this.restoreOwnState = restoreOwnState;
        this.announce = announce;
    }

    @Override
    public void joinedCluster() {
        record("joined");
        restoreOwnState.run();
    }

    @Override
    public void joinedCluster(NodeID nodeId) {
        record("joined(" + nodeId + ")");
    }

    @Override
    public void leftCluster() {
        record("left");
        restoreOwnState.run();
    }

    @Override
    public void leftCluster(NodeID nodeId) {
        record("left(" + nodeId + ")");
    }

    @Override
    public void markedAsSeniorClusterMember() {
        record("senior");
    }

    /** The events heard so far, oldest first. */
    synchronized List<String> events() {
        return List.copyOf(events);
    }

    private void record(String event) {
        LOG.info("Cluster event: {}", event);
        synchronized (this) {
            events.addLast(event);
            if (events.size() > KEPT) {
                events.removeFirst();
            }
        }
        announce.accept(event);
    }
}
