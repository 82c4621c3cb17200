package org.skein.cluster;

/**
 * Told when this node joins or leaves a cluster, when other nodes join or leave, and when this node
 * becomes the senior member. Register with the node's cluster manager
 * ({@code clusterManager.addListener(listener, sequence)}), which returns a {@link Registration}: close
 * it to unregister (a plugin does so in {@code destroyPlugin}).
 *
 * <p>All callbacks run on the node's cluster lifecycle thread ({@code skein-cluster-<node>}), one event
 * at a time, in the order the events happened, and for one event in the order of the listeners'
 * sequence numbers. A listener that throws is logged and the others are still called. Callbacks may
 * block briefly (for example to read a cache or run a cluster task), but a slow listener delays every
 * later event and every join or leave. A callback may start or stop clustering
 * ({@code clusterManager.startup()}, {@code shutdown()}): the command is queued behind the current
 * event and not waited for, so it cannot deadlock.
 *
 * <p>Every method has an empty default so a listener implements only what it needs.
 */
public interface ClusterEventListener {

    /**
     * This node joined a cluster (or merged back into one after a split brain). The caches of the
     * node's cache factory are clustered already and hold what they held locally before the join plus
     * what the cluster had. Re-add local state that is not kept in caches. The other nodes learn of
     * this node only after every listener returned.
     */
    default void joinedCluster() {
    }

    /**
     * Another node joined the cluster, after it restored its own state into the clustered caches.
     *
     * @param nodeId the node that joined
     */
    default void joinedCluster(NodeID nodeId) {
    }

    /**
     * This node left the cluster (clustering turned off, the node stopping, or the losing side of a
     * split brain). The caches are local again and empty; restore local state into them and treat
     * what only other nodes held as gone.
     */
    default void leftCluster() {
    }

    /**
     * Another node left the cluster or crashed (or is on the other side of a split brain). Its data may
     * still be in the clustered caches; the senior member is the one expected to remove it (see
     * {@code clusterManager.isSeniorClusterMember()}).
     *
     * @param nodeId the node that left
     */
    default void leftCluster(NodeID nodeId) {
    }

    /** This node became the senior (oldest) member of its cluster. */
    default void markedAsSeniorClusterMember() {
    }
}
