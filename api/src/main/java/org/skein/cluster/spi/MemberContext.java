package org.skein.cluster.spi;

import org.skein.cluster.NodeID;
import org.skein.cluster.TaskContext;

/**
 * What a {@link ClusteringProvider} is given for one membership of one node: the node's id, what cluster
 * tasks that arrive there are handed, and the sink for what happens to the membership.
 */
public interface MemberContext {

    /** The node that joins. */
    NodeID nodeId();

    /** What a cluster task that arrives at this member is run with ({@code task.execute(taskContext())}). */
    TaskContext taskContext();

    /** Where the provider reports what happens to this membership; events of an earlier membership are ignored. */
    MembershipEvents events();
}
