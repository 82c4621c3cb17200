package org.skein.clustering;

import org.skein.cluster.ClusterTask;
import org.skein.cluster.NodeID;
import org.skein.cluster.TaskContext;

/**
 * Sent by a node that joined, to every other member, once its caches are clustered and its listeners
 * restored its local state: the receivers run {@code joinedCluster(thatNode)}. Reaches the receiving
 * node's protocol through a service only the protocol can name.
 */
final class JoinedNotice implements ClusterTask<Void> {

    private static final long serialVersionUID = 1L;

    private final NodeID joined;

    JoinedNotice(NodeID joined) {
        this.joined = joined;
    }

    @Override
    public Void execute(TaskContext context) {
        context.service(Announcements.class).nodeJoined(joined);
        return null;
    }
}
