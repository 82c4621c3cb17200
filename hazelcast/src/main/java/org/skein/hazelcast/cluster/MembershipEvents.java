package org.skein.hazelcast.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.core.LifecycleListener;
import org.skein.cluster.NodeID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hears one Hazelcast member's membership and lifecycle events and hands them to the strategy,
 * marked with the member's generation (so an event of a member that is gone is told apart from one
 * of the member running now). Registered in the member's configuration, before it starts, so that
 * no event is missed.
 */
final class MembershipEvents {

    private static final Logger LOG = LoggerFactory.getLogger(MembershipEvents.class);

    private final HazelcastClusterStrategy strategy;
    private final long generation;

    MembershipEvents(HazelcastClusterStrategy strategy, long generation) {
        this.strategy = strategy;
        this.generation = generation;
    }

    MembershipListener membershipListener() {
        return new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                LOG.debug("Member added: {} (node {})", event.getMember(), MemberAttributes.nodeId(event.getMember()));
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                NodeID node = MemberAttributes.nodeId(event.getMember());
                if (node != null && !event.getMember().localMember()) {
                    strategy.otherNodeLeft(generation, node);
                }
            }
        };
    }

    LifecycleListener lifecycleListener() {
        return (LifecycleEvent event) -> {
            switch (event.getState()) {
                case MERGING -> strategy.merging(generation);
                case MERGED -> strategy.merged(generation, true);
                case MERGE_FAILED -> strategy.merged(generation, false);
                case SHUTDOWN -> strategy.memberShutDown(generation);
                default -> LOG.debug("Member lifecycle: {}", event.getState());
            }
        };
    }
}
