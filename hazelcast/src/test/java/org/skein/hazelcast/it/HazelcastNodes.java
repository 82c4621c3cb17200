package org.skein.hazelcast.it;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.skein.XmppServer;
import org.skein.hazelcast.cluster.LocalMemberConfig;
import org.skein.plugin.LoadedPlugin;
import org.skein.testing.TestNodes;

/**
 * Nodes in one JVM, each with the packed Hazelcast plugin jar in its own plugins folder and a local
 * Hazelcast file of its own: 127.0.0.1, a free port, a TCP-IP member list of every node of this
 * fixture, and a cluster name no other test uses. Closing it stops every node it started.
 *
 * <p>Public, and shipped in this module's test jar, for the {@code conformance} module's three-node
 * runs of Smack's integration test suite; the plugin jar is found through {@code skein.plugin.jar}.
 */
public final class HazelcastNodes implements AutoCloseable {

    /** The packed plugin, built by {@code package} before the integration tests run. */
    static final Path PLUGIN_JAR = Path.of(System.getProperty("skein.plugin.jar", "target/hazelcast.jar"));

    private final TestNodes nodes;
    private final String clusterName = "skein-it-" + UUID.randomUUID();
    private final Map<String, Integer> ports = new HashMap<>();
    private final List<String> names;
    private final Map<String, XmppServer> started = new HashMap<>();

    /** @param names the names (and node ids) of the nodes this fixture may start */
    public HazelcastNodes(Path root, String... names) {
        this.nodes = new TestNodes(root);
        this.names = List.of(names);
        for (String name : names) {
            ports.put(name, freePort());
        }
    }

    public String clusterName() {
        return clusterName;
    }

    public int port(String name) {
        return ports.get(name);
    }

    public Path home(String name) {
        return nodes.root().resolve(name);
    }

    /** The configuration every node gets: clustering on, unlimited caches, quick failure detection. */
    public static Map<String, String> baseConfig(String name) {
        Map<String, String> config = new HashMap<>();
        config.put("node.id", name);
        config.put("clustering.enabled", "true");
        config.put("cache.default.maxSize", "-1");
        config.put("cache.default.maxLifetime", "-1");
        config.put("hazelcast.startup.retries", "0");
        config.put("hazelcast.heartbeat.interval", "1s");
        config.put("hazelcast.heartbeat.timeout", "5s");
        config.putAll(transportConfig());
        return config;
    }

    /** The secret the fixtures give every node when the tests run on the direct stanza stream. */
    static final String IT_SECRET = "skein-it-cluster-secret-0123456789";

    /**
     * The direct stanza stream with the fixtures' cluster secret, whatever {@code skein.it.stanzaTransport}
     * says: for the tests that must cover what the local cluster (which has a secret) runs on.
     */
    public static Map<String, String> directTransport() {
        return Map.of("cluster.stanzaTransport", "direct", "cluster.secret", IT_SECRET);
    }

    /**
     * The stanza transport the tests run on: {@code -Dskein.it.stanzaTransport=direct} runs every fixture's
     * nodes on the direct stream (with a cluster secret, which it needs); unset, the plugin's default.
     */
    public static Map<String, String> transportConfig() {
        String transport = System.getProperty("skein.it.stanzaTransport", "");
        if (transport.isBlank()) {
            return Map.of();
        }
        return Map.of("cluster.stanzaTransport", transport, "cluster.secret", IT_SECRET);
    }

    /** Starts a node with the plugin jar in its plugins folder; returns when it is a member. */
    public XmppServer start(String name) {
        return start(name, Map.of());
    }

    public XmppServer start(String name, Map<String, String> extraConfig) {
        XmppServer node = startWithoutWaiting(name, extraConfig);
        await().atMost(Duration.ofSeconds(60)).until(() -> node.clusterManager().isClusteringStarted());
        return node;
    }

    XmppServer startWithoutWaiting(String name, Map<String, String> extraConfig) {
        prepareHome(name);
        return startAsIs(name, extraConfig);
    }

    /** Starts a node with its home as it is (no plugin or local file written); does not wait for it to join. */
    XmppServer startAsIs(String name, Map<String, String> extraConfig) {
        Map<String, String> config = baseConfig(name);
        config.putAll(extraConfig);
        XmppServer node = nodes.start(name, config);
        started.put(name, node);
        return node;
    }

    /** Writes the node's plugins folder and local Hazelcast file, as an operator would before the first start. */
    void prepareHome(String name) {
        try {
            Path home = home(name);
            Files.createDirectories(home.resolve("plugins"));
            Files.createDirectories(home.resolve("conf"));
            Files.copy(PLUGIN_JAR, home.resolve("plugins").resolve("hazelcast.jar"), StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(home.resolve("conf").resolve("hazelcast-local-config.xml"), LocalMemberConfig.xml(clusterName, ports.get(name), ports.values()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public XmppServer node(String name) {
        return started.get(name);
    }

    /** The plugin as the node loaded it. */
    static LoadedPlugin plugin(XmppServer node) {
        return node.pluginManager().getPlugin("hazelcast").orElseThrow();
    }

    /**
     * Stops a node's Hazelcast member at once, without a clean leave: to the others the node crashed. The
     * plugin's classes are not on the test class path (the node loads the packed jar): reached by reflection.
     */
    public static void terminateMember(XmppServer node) throws Exception {
        Object plugin = plugin(node).plugin();
        Object provider = plugin.getClass().getMethod("provider").invoke(plugin);
        Object member = provider.getClass().getMethod("hazelcastInstance").invoke(provider);
        ClassLoader loader = member.getClass().getClassLoader();
        Method lifecycle = Class.forName("com.hazelcast.core.HazelcastInstance", false, loader).getMethod("getLifecycleService");
        Object service = lifecycle.invoke(member);
        Class.forName("com.hazelcast.core.LifecycleService", false, loader).getMethod("terminate").invoke(service);
    }

    /**
     * Whether the node's Hazelcast member sees no partition migration under way or pending (Hazelcast's
     * "cluster safe"). Right after a member joins, the partitions of every map move to it; until they
     * have, an operation on a moving partition is retried by Hazelcast, so on a loaded machine a login
     * (several cache writes) can take longer than a client's reply timeout. Tests that need a settled
     * cluster wait for this; reached by reflection, as {@link #terminateMember} is.
     */
    public static boolean partitionsSettled(XmppServer node) throws Exception {
        Object plugin = plugin(node).plugin();
        Object provider = plugin.getClass().getMethod("provider").invoke(plugin);
        Object member = provider.getClass().getMethod("hazelcastInstance").invoke(provider);
        if (member == null) {
            return false;
        }
        ClassLoader loader = member.getClass().getClassLoader();
        Object partitions = Class.forName("com.hazelcast.core.HazelcastInstance", false, loader)
                .getMethod("getPartitionService").invoke(member);
        return (Boolean) Class.forName("com.hazelcast.partition.PartitionService", false, loader)
                .getMethod("isClusterSafe").invoke(partitions);
    }

    /** Waits until the Hazelcast member of every given node has no partition migration left ({@link #partitionsSettled}). */
    public static void awaitPartitionsSettled(Duration timeout, XmppServer... nodes) {
        await("partition migrations done").atMost(timeout).pollInterval(Duration.ofMillis(200)).until(() -> {
            for (XmppServer node : nodes) {
                if (!partitionsSettled(node)) {
                    return false;
                }
            }
            return true;
        });
    }

    /** Stops one node (it leaves the cluster cleanly). */
    public void stop(String name) {
        XmppServer node = started.remove(name);
        if (node != null) {
            node.stop();
        }
    }

    @Override
    public void close() throws Exception {
        nodes.close();
        started.clear();
    }

    /**
     * A free port for a member to listen on, taken below the range the system hands out for outgoing
     * connections: a port from that range may be taken by another member's connection before this
     * member binds it.
     */
    public static int freePort() {
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

    /** Threads of the Hazelcast members of these nodes that are still alive. */
    static List<String> hazelcastThreads(String... nodeNames) {
        List<String> alive = new ArrayList<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            for (String name : nodeNames) {
                if (thread.isAlive() && thread.getName().contains("skein-" + name + ".")) {
                    alive.add(thread.getName());
                }
            }
        }
        return alive;
    }
}
