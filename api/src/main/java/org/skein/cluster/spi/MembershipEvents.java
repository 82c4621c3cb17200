package org.skein.cluster.spi;

import org.skein.cluster.NodeID;

/**
 * The sink for facts about one membership, given by the cluster manager to its
 * {@link ClusteringProvider}. The provider reports facts; the cluster manager decides what they mean
 * (which listeners run, which caches move, who becomes senior) and when, on its own lifecycle thread.
 *
 * <p>Every method may be called from any thread (a library's event thread) and returns at once: it only
 * queues the fact. When a fact is reported the cluster manager reads the member's
 * {@link Membership#members()} on the reporting thread (a local read, no round trip) and judges the
 * fact by that view, so report a departure once the library's member list no longer has the node. Facts that arrive while the node is joining or merging are held back and delivered
 * after that, so a provider never has to order them itself. The node's own join is not reported here
 * (the cluster manager sees it when {@link ClusteringProvider#join} returns), nor are other nodes'
 * joins (the cluster manager of a node that joined tells the others itself, once its state is in the
 * cluster).
 */
public interface MembershipEvents {

    /** Another node left the cluster or crashed. */
    void memberLeft(NodeID node);

    /**
     * This member is on the smaller side of a split brain and starts merging into the larger side: the
     * node leaves (its caches go local, its listeners restore local state) and joins again when
     * {@link #mergeEnded} is reported.
     */
    void mergeStarted();

    /**
     * The merge is over.
     *
     * @param merged {@code true} if the member is now part of the larger cluster, {@code false} if the
     *        merge failed and it stays in its own; the node joins again either way
     */
    void mergeEnded(boolean merged);

    /**
     * The member stopped on its own (the library shut it down): the node is alone again.
     *
     * @param reason what happened, for the operator
     */
    void memberLost(String reason);
}
