package org.skein.hazelcast.cluster;

import org.skein.cluster.ClusterTask;
import org.skein.cluster.NodeID;
import org.skein.cluster.TaskContext;

/**
 * Sent by a node that joined, to every other node, once its own joined event has been processed
 * (its caches swapped and its local state restored): the receivers then fire
 * {@code joinedCluster(thatNode)}.
 */
final class NodeJoinedNotice implements ClusterTask<Void> {

    private static final long serialVersionUID = 1L;

    private final NodeID joined;

    NodeJoinedNotice(NodeID joined) {
        this.joined = joined;
    }

    @Override
    public Void execute(TaskContext context) {
        context.service(HazelcastClusterStrategy.class).otherNodeJoined(joined);
        return null;
    }
}
