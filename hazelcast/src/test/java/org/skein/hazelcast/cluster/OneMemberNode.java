package org.skein.hazelcast.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.skein.XmppServer;
import org.skein.testing.TestNodes;

/**
 * One node with the Hazelcast provider registered directly (the plugin's classes are on the unit
 * tests' class path), in a cluster of its own: 127.0.0.1, a free port, a unique cluster name.
 */
final class OneMemberNode implements AutoCloseable {

    final TestNodes nodes;
    final XmppServer node;
    final HazelcastProvider provider;
    final int port;

    OneMemberNode(Path root, Map<String, String> config) {
        this(root, config, freePort());
    }

    OneMemberNode(Path root, Map<String, String> config, int port) {
        this.port = port;
        nodes = new TestNodes(root);
        Path home = root.resolve("member");
        try {
            Files.createDirectories(home.resolve("conf"));
            Files.writeString(home.resolve("conf").resolve("hazelcast-local-config.xml"), """
                    <hazelcast xmlns="http://www.hazelcast.com/schema/config">
                        <cluster-name>unit-%s</cluster-name>
                        <properties><property name="hazelcast.wait.seconds.before.join">0</property></properties>
                        <network>
                            <port auto-increment="false">%d</port>
                            <join>
                                <auto-detection enabled="false"/>
                                <multicast enabled="false"/>
                                <tcp-ip enabled="true"><member-list><member>127.0.0.1:%2$d</member></member-list></tcp-ip>
                            </join>
                            <interfaces enabled="true"><interface>127.0.0.1</interface></interfaces>
                        </network>
                    </hazelcast>
                    """.formatted(UUID.randomUUID(), port));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> values = new HashMap<>(Map.of("node.id", "member", "hazelcast.startup.retries", "0"));
        values.putAll(config);
        node = nodes.start("member", values);
        provider = HazelcastProvider.onClassPath(node, getClass().getClassLoader());
        node.clusterManager().registerProvider(provider);
    }

    /** Turns clustering on; returns whether the node joined. */
    boolean join() throws Exception {
        return node.clusterManager().setClusteringEnabled(true).get();
    }

    @Override
    public void close() throws Exception {
        nodes.close();
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
