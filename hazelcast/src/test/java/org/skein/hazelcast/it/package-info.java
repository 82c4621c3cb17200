/**
 * Integration tests: nodes that load the packed plugin jar from their plugins folder, as an operator's
 * nodes do. Run by failsafe after {@code package}, with neither the plugin's classes nor Hazelcast on
 * the test class path; the tests reach the plugin only through the server's interfaces. Members bind
 * to 127.0.0.1 on free ports, join by TCP-IP with an explicit member list and a cluster name of
 * their own.
 *
 * <p>They run in one JVM by default ({@code it.forks} in the module's pom). With {@code -Dit.forks=2} two
 * classes run at once, each in its own JVM: ports are free ones picked per fixture below the range the
 * system hands out for outgoing connections, homes are temporary folders and log folders are named per
 * class, so nothing is shared; but each of the two may start three in-JVM nodes or three node JVMs, and
 * on a 2-core machine at load 30 the first login to the third node, right after it joined, took longer
 * than Smack's 10 s reply timeout (SessionsThroughASplitIT, once, in a session-5 trial of two forks). The
 * likely cause: the partitions were still moving to the new members, and Hazelcast retries an operation
 * on a moving partition. SessionsThroughASplitIT now waits for {@link HazelcastNodes#awaitPartitionsSettled}
 * before its first login. A second trial (session 7, module run at load 10-27, other engineers' builds and
 * benchmarks beside it) failed in AdminConsoleBrowserIT: its two in-JVM nodes split, one suspecting the
 * other after no heartbeat for the fixtures' 5 s ({@link HazelcastNodes#baseConfig}), while Hazelcast logged
 * 3 s "clock jumps" (the JVM got no CPU for seconds). Two forks double the JVMs that compete for the two
 * cores, so on a loaded machine they turn the short failure-detection bounds of these tests into splits.
 * They stay opt-in until the fixtures' heartbeat timeout is raised where a test does not measure failure
 * detection, and a run with them passes on a loaded machine.
 */
package org.skein.hazelcast.it;
