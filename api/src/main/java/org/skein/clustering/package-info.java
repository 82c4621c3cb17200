/**
 * The node's clustering: {@link org.skein.clustering.ClusterManager} is the switch, the registry of
 * cluster event listeners and of services for cluster tasks, and the door to cluster work (tasks,
 * members, the senior member, cluster time). A node alone is a cluster of one: its tasks run on its
 * own bounded executor, with the node's task context.
 */
package org.skein.clustering;
