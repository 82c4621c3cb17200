/**
 * The client-to-server load tool ({@link org.skein.bench.c2s.C2sLoad}): message throughput, round
 * trips and heap per idle session of one node, measured with a light raw XMPP client on Netty against
 * a node in its own JVM ({@link org.skein.bench.c2s.BenchNode}).
 */
package org.skein.bench.c2s;
