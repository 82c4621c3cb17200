package org.skein.hazelcast.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.core.LifecycleListener;
import org.skein.cluster.NodeID;
import org.skein.cluster.spi.MembershipEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hears one Hazelcast member's membership and lifecycle events (on Hazelcast's event threads) and
 * reports them as facts to the node's cluster manager, which queues them and never blocks. Registered
 * in the member's configuration before it starts, so no event is missed. A member that leaves hands
 * its queued stanzas back at once (the packet router is told directly; the cluster manager's
 * listeners hear of it in their turn).
 */
final class MemberEvents {

    private static final Logger LOG = LoggerFactory.getLogger(MemberEvents.class);

    private final MembershipEvents sink;
    private volatile HazelcastMember member;

    MemberEvents(MembershipEvents sink) {
        this.sink = sink;
    }

    /** The member these events are about, once it started. */
    void attach(HazelcastMember started) {
        this.member = started;
    }

    MembershipListener membershipListener() {
        return new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                // a node that joins announces itself once its state is in the cluster (the cluster manager's JoinedNotice)
                LOG.debug("Member added: {} (node {})", event.getMember(), MemberAttributes.nodeId(event.getMember()));
                HazelcastMember current = member;
                if (current != null) {
                    current.members().added(event.getMember()); // a foreign member is reported now
                }
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                NodeID node = MemberAttributes.nodeId(event.getMember());
                if (node == null || event.getMember().localMember()) {
                    return;
                }
                HazelcastMember current = member;
                if (current != null) {
                    boolean counts = current.members().departureCounts(event.getMember());
                    current.members().removed(event.getMember());
                    if (!counts) {
                        // a foreign member (or a copy of a node that is still here) left: no node left the cluster
                        LOG.debug("Foreign member {} left", event.getMember());
                        return;
                    }
                    current.otherNodeLeft(node, event.getMember().getUuid().toString());
                }
                sink.memberLeft(node);
            }
        };
    }

    LifecycleListener lifecycleListener() {
        return (LifecycleEvent event) -> {
            switch (event.getState()) {
                case MERGING -> sink.mergeStarted();
                case MERGED -> sink.mergeEnded(true);
                case MERGE_FAILED -> sink.mergeEnded(false);
                case SHUTDOWN -> {
                    HazelcastMember current = member;
                    if (current == null || !current.isLeaving()) {
                        if (current != null) {
                            current.lost();
                        }
                        sink.memberLost("The Hazelcast member shut down on its own; see the log for the cause");
                    }
                }
                default -> LOG.debug("Member lifecycle: {}", event.getState());
            }
        };
    }
}
