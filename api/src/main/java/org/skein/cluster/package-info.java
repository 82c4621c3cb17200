/**
 * The vocabulary of clustering, the bottom layer: it imports nothing else of Skein. A node has a
 * {@link org.skein.cluster.NodeID}; the cluster's members are described by
 * {@link org.skein.cluster.ClusterNodeInfo}s; a {@link org.skein.cluster.ClusterEventListener} hears
 * joins, leaves and crashes; a serializable {@link org.skein.cluster.ClusterTask} runs on other nodes
 * with a {@link org.skein.cluster.TaskContext} (the node's id and the services registered there for
 * tasks, by type) and brings back {@link org.skein.cluster.ClusterTaskResults}. Every registration
 * returns a {@link org.skein.cluster.Registration} that undoes it.
 *
 * <p>The node's cluster manager ({@code org.skein.clustering.ClusterManager}) is where listeners and
 * services are registered and tasks are sent.
 */
package org.skein.cluster;
