package org.skein.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.skein.cluster.ClusterEventListener;
import org.skein.cluster.NodeID;

/** Counts what the cluster manager tells this node: it joined or left, other members joined or left. */
public final class ClusterEventMeters implements ClusterEventListener {

    private final Counter joined;
    private final Counter left;
    private final Counter memberJoined;
    private final Counter memberLeft;

    ClusterEventMeters(MeterRegistry registry) {
        joined = counter(registry, "joined");
        left = counter(registry, "left");
        memberJoined = counter(registry, "member_joined");
        memberLeft = counter(registry, "member_left");
    }

    private static Counter counter(MeterRegistry registry, String event) {
        return Counter.builder("skein.cluster.events").tag("event", event)
                .description("Cluster events on this node: it joined (also after a split brain's merge) or left, a member joined or left")
                .register(registry);
    }

    @Override
    public void joinedCluster() {
        joined.increment();
    }

    @Override
    public void leftCluster() {
        left.increment();
    }

    @Override
    public void joinedCluster(NodeID nodeId) {
        memberJoined.increment();
    }

    @Override
    public void leftCluster(NodeID nodeId) {
        memberLeft.increment();
    }
}
