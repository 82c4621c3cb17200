/**
 * The client-to-server load tool ({@link org.skein.bench.c2s.C2sLoad}): message throughput, round
 * trips and heap per idle session of one node, measured with a light raw XMPP client on Netty against
 * a node in its own JVM ({@link org.skein.bench.c2s.BenchNode}); the cross-node load
 * ({@link org.skein.bench.c2s.ClusterLoad}) and the group chat load ({@link org.skein.bench.c2s.MucLoad}) with
 * nodes in the tool's JVM ({@link org.skein.bench.c2s.ClusterNodes}).
 */
package org.skein.bench.c2s;
