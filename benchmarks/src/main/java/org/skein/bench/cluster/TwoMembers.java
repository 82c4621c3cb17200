package org.skein.bench.cluster;

import com.hazelcast.core.HazelcastInstance;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.skein.XmppServer;
import org.skein.config.ServerConfig;
import org.skein.hazelcast.cluster.HazelcastProvider;

/**
 * Two Skein nodes in this JVM, each a Hazelcast member through the plugin's clustering provider, on
 * 127.0.0.1 with free ports and a cluster name of their own. Closing it stops both and deletes their
 * homes.
 */
final class TwoMembers implements AutoCloseable {

    final XmppServer first;
    final XmppServer second;
    private final List<HazelcastProvider> providers;
    private final Path root;

    TwoMembers() throws Exception {
        root = Files.createTempDirectory("skein-bench-cluster");
        String clusterName = "bench-" + UUID.randomUUID();
        int firstPort = freePort();
        int secondPort = freePort();
        first = node("first", clusterName, firstPort, secondPort);
        HazelcastProvider firstProvider = join(first);
        second = node("second", clusterName, secondPort, firstPort);
        HazelcastProvider secondProvider = join(second);
        providers = List.of(firstProvider, secondProvider);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        // both members in, and every partition migrated: key ownership is settled
        while (first.clusterManager().getNodesInfo().size() < 2 || !firstMember().getPartitionService().isClusterSafe()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the two members did not meet, or their partitions did not settle");
            }
            Thread.onSpinWait();
        }
    }

    HazelcastInstance firstMember() {
        return providers.get(0).hazelcastInstance();
    }

    private XmppServer node(String name, String clusterName, int port, int otherPort) throws IOException {
        Path home = root.resolve(name);
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("conf").resolve("hazelcast-local-config.xml"), """
                <hazelcast xmlns="http://www.hazelcast.com/schema/config">
                    <cluster-name>%s</cluster-name>
                    <properties><property name="hazelcast.wait.seconds.before.join">0</property></properties>
                    <network>
                        <port auto-increment="false">%d</port>
                        <join>
                            <auto-detection enabled="false"/>
                            <multicast enabled="false"/>
                            <tcp-ip enabled="true" connection-timeout-seconds="2">
                                <member-list><member>127.0.0.1:%2$d</member><member>127.0.0.1:%d</member></member-list>
                            </tcp-ip>
                        </join>
                        <interfaces enabled="true"><interface>127.0.0.1</interface></interfaces>
                    </network>
                </hazelcast>
                """.formatted(clusterName, port, otherPort));
        Map<String, String> config = new HashMap<>();
        config.put("node.id", name);
        config.put("cache.default.maxSize", "-1");
        config.put("cache.default.maxLifetime", "-1");
        config.put("cache.stats.interval", "-1");
        config.put("hazelcast.startup.retries", "0");
        config.put("admin.enabled", "false");
        config.put("xmpp.c2s.port", "0");
        config.put("xmpp.c2s.bindAddress", "127.0.0.1");
        XmppServer node = new XmppServer(home, ServerConfig.inMemory(config), Clock.systemUTC());
        node.start();
        return node;
    }

    private static HazelcastProvider join(XmppServer node) throws Exception {
        HazelcastProvider provider = HazelcastProvider.onClassPath(node, TwoMembers.class.getClassLoader());
        node.clusterManager().registerProvider(provider);
        if (!node.clusterManager().setClusteringEnabled(true).get()) {
            throw new IllegalStateException("node " + node.nodeId() + " did not join");
        }
        return provider;
    }

    @Override
    public void close() throws IOException {
        second.stop();
        first.stop();
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    /**
     * A free port for a member to listen on, taken below the range the system hands out for outgoing
     * connections: a port from that range may be taken by another member's connection before this
     * member binds it.
     */
    static int freePort() {
        int below = 32768;
        try {
            // readAllLines, not readString: a file of /proc reports a size of 0
            below = Integer.parseInt(java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
                    .get(0).trim().split("\\s+")[0]);
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux: keep the usual start of the range
        }
        for (int attempt = 0; attempt < 200 && below > 10_001; attempt++) {
            int port = java.util.concurrent.ThreadLocalRandom.current().nextInt(10_000, below);
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
                return port;
            } catch (IOException e) {
                // taken: try another
            }
        }
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
