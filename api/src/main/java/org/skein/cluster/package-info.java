/**
 * Clustering as the server sees it, with no clustering library in sight: the
 * {@link org.skein.clustering.ClusterManager} (the switch and the event dispatcher),
 * {@link org.skein.cluster.ClusterEventListener}s, serializable {@link org.skein.cluster.ClusterTask}s,
 * {@link org.skein.cluster.NodeID}s and {@link org.skein.cluster.ClusterNodeInfo}. A clustering
 * plugin implements {@link org.skein.cache.CacheFactoryStrategy} and reports membership through the
 * cluster manager's {@code fire...} methods.
 */
package org.skein.cluster;
