/**
 * Test fixtures of the clustering core, shipped in the api module's test jar for the server's and the
 * plugin's tests: an {@link org.skein.cluster.testing.InMemoryCluster} that is a whole clustering
 * provider in one JVM (crash, lose, split and heal included), a {@link org.skein.cluster.testing.TestCore}
 * (a node's clustering core without the rest of the node) and the protocol contract every provider
 * runs ({@link org.skein.cluster.testing.AbstractClusteringContractTest}).
 */
package org.skein.cluster.testing;
