package org.skein.bench.c2s;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.skein.XmppServer;
import org.skein.config.ServerConfig;
import org.skein.hazelcast.cluster.HazelcastProvider;
import org.skein.user.UserAlreadyExistsException;

/**
 * One or more Skein nodes in this JVM for the cross-node loads: with more than one, each is a
 * Hazelcast member with the plugin's clustering provider (and so its packet router) on 127.0.0.1,
 * free ports and a cluster name of its own. Client settings as {@link BenchNode}'s. Closing stops them and deletes
 * their homes.
 */
final class ClusterNodes implements AutoCloseable {

    private final Path root;
    private final List<XmppServer> nodes = new ArrayList<>();
    private final List<HazelcastProvider> providers = new ArrayList<>();

    ClusterNodes(int count, Map<String, String> overrides) throws Exception {
        root = Files.createTempDirectory("skein-bench-cluster-load");
        String clusterName = "bench-" + UUID.randomUUID();
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ports.add(freePort());
        }
        for (int i = 0; i < count; i++) {
            XmppServer node = node("node" + (i + 1), clusterName, ports.get(i), ports, overrides);
            nodes.add(node);
            if (count > 1) {
                providers.add(join(node));
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (count > 1 && (nodes.get(0).clusterManager().getNodesInfo().size() < count
                || !providers.get(0).hazelcastInstance().getPartitionService().isClusterSafe())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the members did not meet, or their partitions did not settle");
            }
            Thread.sleep(20);
        }
    }

    int size() {
        return nodes.size();
    }

    XmppServer node(int index) {
        return nodes.get(index);
    }

    /** The packet router counters of a node (of a clustered setup). */
    org.skein.hazelcast.routing.RouterFigures routerFigures(int index) {
        return providers.get(index).packetRouter().figures();
    }

    void createUsers(int n) throws Exception {
        for (XmppServer node : nodes) {
            for (int i = 0; i < n; i++) {
                try {
                    node.userManager().createUser("bench" + i, "bench", "", "");
                } catch (UserAlreadyExistsException e) {
                    // there already
                }
            }
        }
    }

    private XmppServer node(String name, String clusterName, int port, List<Integer> ports, Map<String, String> overrides)
            throws IOException {
        Path home = root.resolve(name);
        Files.createDirectories(home.resolve("conf"));
        String members = ports.stream().map(p -> "<member>127.0.0.1:" + p + "</member>").collect(Collectors.joining());
        Files.writeString(home.resolve("conf").resolve("hazelcast-local-config.xml"), """
                <hazelcast xmlns="http://www.hazelcast.com/schema/config">
                    <cluster-name>%s</cluster-name>
                    <properties><property name="hazelcast.wait.seconds.before.join">0</property></properties>
                    <network>
                        <port auto-increment="false">%d</port>
                        <join>
                            <auto-detection enabled="false"/>
                            <multicast enabled="false"/>
                            <tcp-ip enabled="true" connection-timeout-seconds="2"><member-list>%s</member-list></tcp-ip>
                        </join>
                        <interfaces enabled="true"><interface>127.0.0.1</interface></interfaces>
                    </network>
                </hazelcast>
                """.formatted(clusterName, port, members));
        Map<String, String> config = new HashMap<>();
        config.put("node.id", name);
        config.put("xmpp.c2s.port", "0");
        config.put("admin.enabled", "false");
        config.put("xmpp.c2s.bindAddress", "127.0.0.1");
        config.put("xmpp.sasl.plain.allowUnencrypted", "true");
        config.put("xmpp.idleTimeout", "-1");
        config.put("xmpp.c2s.limitsExempt", "127.0.0.0/8"); // every load client connects from the loopback
        config.put("xmpp.c2s.inbound.rate", "-1"); // load clients send as fast as the node reads
        config.put("auth.scram.iterations", "64");
        config.put("cache.stats.interval", "-1");
        config.put("plugins.scanInterval", "1h");
        config.put("offline.maxPerUser", "100000");
        config.put("cache.default.maxSize", "-1");
        config.put("cache.default.maxLifetime", "-1");
        config.put("hazelcast.startup.retries", "0");
        config.putAll(overrides);
        XmppServer node = new XmppServer(home, ServerConfig.inMemory(config), Clock.systemUTC());
        node.start();
        return node;
    }

    private static HazelcastProvider join(XmppServer node) throws Exception {
        HazelcastProvider provider = HazelcastProvider.onClassPath(node, ClusterNodes.class.getClassLoader());
        node.clusterManager().registerProvider(provider);
        if (!node.clusterManager().setClusteringEnabled(true).get()) {
            throw new IllegalStateException("node " + node.nodeId() + " did not join");
        }
        return provider;
    }

    @Override
    public void close() throws IOException {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            nodes.get(i).stop();
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    /** A free port below the ephemeral range (an outgoing connection may take a port from that range first). */
    private static int freePort() throws IOException {
        int below = 32768;
        try {
            below = Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = java.util.concurrent.ThreadLocalRandom.current().nextInt(10_000, Math.max(10_001, below));
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
                return port;
            } catch (IOException e) {
                // taken
            }
        }
        throw new IOException("no free port below " + below);
    }
}
