package org.skein.cluster.spi;

import org.skein.cluster.ClusterException;

/**
 * A clustering library, as the node's cluster manager sees it: it makes the node a member of a
 * cluster and hands over the parts the node needs while it is one. A clustering plugin registers one
 * with the node's cluster manager ({@code registerProvider}) and closes the registration when it stops.
 *
 * <p>The provider only carries things between nodes. The join/leave/crash/merge protocol (which
 * caches move when, which listeners run, what is held back, who is told) belongs to the cluster
 * manager, so every provider, including the in-memory one of the tests, runs the same protocol.
 *
 * <h2>Threads</h2>
 * {@link #join} is called on the node's cluster lifecycle thread, never two at a time for one node,
 * and may block (start a member, retry). Events are reported to the {@link MemberContext#events()}
 * sink from any thread, without blocking.
 */
public interface ClusteringProvider {

    /** A short name shown to operators: {@code hazelcast}, {@code in-memory}. */
    String name();

    /**
     * Makes this node a member of a cluster. Returns once the member runs and can serve its parts;
     * the cluster manager then moves the node's caches to {@link ClusterMember#caches()}, runs the
     * node's listeners and tells the other members.
     *
     * @param context this node's id, its services for tasks that arrive, and where to report events
     * @return the running member
     * @throws ClusterException if the node cannot become a member; the message says why, for the
     *         operator (the node goes on alone)
     */
    ClusterMember join(MemberContext context);
}
