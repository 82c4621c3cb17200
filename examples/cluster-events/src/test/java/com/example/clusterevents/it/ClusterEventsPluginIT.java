package com.example.clusterevents.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.skein.XmppServer;
import org.skein.c2s.PubSubClient;
import org.skein.c2s.SmackClients;
import org.skein.plugin.AdminPageModel;
import org.skein.plugin.LoadedPlugin;
import org.skein.testing.TestNodes;
import org.xmpp.packet.JID;

/**
 * The example plugin in a cluster of three nodes in one JVM, each loading the example's jar and the
 * Hazelcast plugin's jar from its plugins folder, as an operator's nodes would. The test talks to the
 * plugin only through the server's {@link AdminPageModel} interface, as the admin console does.
 *
 * <p>One cluster for the class (starting three members costs several seconds each time): the checks that
 * leave the three nodes as they are come first, in order, and the last test stops a node.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterEventsPluginIT {

    private static final Path EXAMPLE_JAR = Path.of(System.getProperty("skein.example.jar", "target/cluster-events.jar"));
    private static final Path HAZELCAST_JAR = Path.of(System.getProperty("skein.plugin.jar", "../../hazelcast/target/hazelcast.jar"));
    private static final List<String> NAMES = List.of("node-a", "node-b", "node-c");

    @TempDir
    static Path dir;

    private TestNodes nodes;
    private final Map<String, XmppServer> started = new HashMap<>();
    private final Map<String, Integer> ports = new HashMap<>();
    private final String clusterName = "example-it-" + UUID.randomUUID();
    /** One database for the three nodes (the publish-subscribe service keeps its topics there). */
    private final String database = "jdbc:h2:mem:example-it-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";

    @BeforeAll
    void startCluster() throws IOException {
        nodes = new TestNodes(dir);
        for (String name : NAMES) {
            ports.put(name, freePort());
        }
        List<String> earlier = new ArrayList<>();
        for (String name : NAMES) {
            XmppServer node = start(name);
            // a start bound, not a product figure: members start slowly on a machine shared by many builds
            await().atMost(Duration.ofMinutes(3)).until(() -> node.clusterManager().isClusteringStarted());
            // the node announces itself with a cluster task; the next one starts once the others heard it, so
            // that they hear of the nodes in the order they joined
            await().atMost(Duration.ofMinutes(1)).until(() -> earlier.stream().allMatch(other -> events(other).contains("joined(" + name + ")")));
            earlier.add(name);
        }
    }

    @AfterAll
    void stopCluster() throws Exception {
        nodes.close();
    }

    @Test
    @Order(1)
    void thePluginsClassesComeFromItsJarNotFromTheTestClassPath() {
        LoadedPlugin example = example(started.get("node-a"));
        assertThat(example.plugin().getClass().getName()).isEqualTo("com.example.clusterevents.ClusterEventsPlugin");
        assertThat(example.plugin().getClass().getClassLoader()).isSameAs(example.classLoader());
        assertThatThrownBy(() -> Class.forName("com.example.clusterevents.ClusterEventsPlugin", false, getClass().getClassLoader()))
                .isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> Class.forName("com.hazelcast.core.Hazelcast", false, getClass().getClassLoader()))
                .isInstanceOf(ClassNotFoundException.class);
    }

    @Test
    @Order(2)
    void theListenerHearsTheJoinsWithTheRightNodeIds() {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(events("node-a")).containsExactly("joined", "senior", "joined(node-b)", "joined(node-c)");
            assertThat(events("node-b")).containsExactly("joined", "joined(node-c)");
            assertThat(events("node-c")).containsExactly("joined");
        });
    }

    @Test
    @Order(3)
    void itsGroupChatRoomExistsOnceWithASubjectFromTheClusterEvents() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Map<String, String> room = room(model("node-c"));
            assertThat(room.get("room")).isEqualTo("cluster-events@conference.localhost");
            assertThat(room.get("subject")).contains("joined");
        });
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> room(Map<String, Object> model) {
        return (Map<String, String>) model.get("room");
    }

    @Test
    @Order(4)
    void itsTaskRunsOnTheOtherNodesAndItsCacheIsShared() {
        Map<String, Object> model = model("node-a");

        assertThat(greetings(model)).containsOnlyKeys("node-b", "node-c")
                .hasEntrySatisfying("node-b", greeting -> assertThat(greeting).startsWith("hello from node-b"))
                .hasEntrySatisfying("node-c", greeting -> assertThat(greeting).startsWith("hello from node-c"));
        assertThat(visits(model)).containsOnlyKeys("node-a", "node-b", "node-c")
                .hasEntrySatisfying("node-c", visit -> assertThat(visit).startsWith("plugin loaded on node-c"));
    }

    @Test
    @Order(5)
    void itsCacheValuesAndTaskKeepWorkingAfterThePluginIsReloadedOnOneNode() throws Exception {
        XmppServer b = started.get("node-b");
        LoadedPlugin before = example(b);
        String visitBefore = visits(model("node-a")).get("node-b");

        LoadedPlugin after = b.pluginManager().reload("cluster-events");

        assertThat(after.classLoader()).isNotSameAs(before.classLoader());
        assertThat(after.plugin().getClass()).isNotSameAs(before.plugin().getClass());
        for (String name : NAMES) {
            Map<String, Object> model = model(name);
            assertThat(visits(model)).as("visits seen on %s", name).containsOnlyKeys("node-a", "node-b", "node-c")
                    .hasEntrySatisfying("node-b", visit -> assertThat(visit).startsWith("plugin loaded on node-b").isNotEqualTo(visitBefore));
            List<String> others = NAMES.stream().filter(n -> !n.equals(name)).toList();
            assertThat(greetings(model)).as("greetings seen on %s", name).containsOnlyKeys(others.toArray(String[]::new))
                    .allSatisfy((node, greeting) -> assertThat(greeting).startsWith("hello from " + node));
        }
        assertThat(greetings(model("node-a")).get("node-b")).contains(after.loadedAt().toString());
    }

    /** The last test: node-c stops; its leaving reaches the listeners (node-b's reloaded one too), the room and the topic. */
    @Test
    @Order(6)
    void aNodeThatStopsIsHeardOfByTheListenersTheRoomAndTheTopicsSubscribers() throws Exception {
        XmppServer b = started.get("node-b");
        b.userManager().createUser("watcher", "secret", "", "");
        try (SmackClients clients = new SmackClients(b)) {
            XMPPTCPConnection watcher = clients.login("watcher", "secret", "desk");
            List<Message> events = PubSubClient.events(watcher);
            // a plugin on another node subscribes the client's resource through the server's topics API
            started.get("node-c").pubSubTopics().orElseThrow().subscribe("cluster-events", new JID("watcher@localhost/desk"));
            assertThat(String.valueOf(model("node-a").get("subscribers"))).isEqualTo("[watcher@localhost/desk]");

            started.remove("node-c").stop();

            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                assertThat(events("node-a")).endsWith("left(node-c)");
                assertThat(events("node-b")).endsWith("left(node-c)");
            });
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(room(model("node-a")).get("subject")).startsWith("left(node-c)"));
            assertThat(room(model("node-b")).get("home")).isIn("node-a", "node-b");
            // (on subscribing, the client got the topic's last item: node-c's own "joined")
            await().atMost(Duration.ofSeconds(30)).until(() -> PubSubClient.count(events, "cluster-events", "kind='left' node='node-c'") == 1);
            Message left = events.stream().filter(m -> m.toXML().toString().contains("kind='left'")).findFirst().orElseThrow();
            assertThat(left.getFrom().toString()).isEqualTo("pubsub.localhost");
            assertThat(left.toXML().toString()).contains("urn:example:cluster-events");
        }
    }

    private XmppServer start(String name) throws IOException {
        Path home = dir.resolve(name);
        Files.createDirectories(home.resolve("plugins"));
        Files.createDirectories(home.resolve("conf"));
        Files.copy(HAZELCAST_JAR, home.resolve("plugins").resolve("hazelcast.jar"));
        Files.copy(EXAMPLE_JAR, home.resolve("plugins").resolve("cluster-events.jar"));
        Files.writeString(home.resolve("conf").resolve("hazelcast-local-config.xml"), localConfig(name));
        XmppServer node = nodes.start(name, Map.of("node.id", name, "clustering.enabled", "true", "hazelcast.startup.retries", "0",
                "db.url", database));
        started.put(name, node);
        return node;
    }

    /** Loopback, a free port, every node of this test in the member list, a cluster name of this test's own. */
    private String localConfig(String name) {
        String members = NAMES.stream().map(n -> "<member>127.0.0.1:" + ports.get(n) + "</member>").collect(Collectors.joining());
        return """
                <hazelcast xmlns="http://www.hazelcast.com/schema/config">
                    <cluster-name>%s</cluster-name>
                    <properties>
                        <property name="hazelcast.wait.seconds.before.join">1</property>
                    </properties>
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
                """.formatted(clusterName, ports.get(name), members);
    }

    private static LoadedPlugin example(XmppServer node) {
        return node.pluginManager().getPlugin("cluster-events").orElseThrow();
    }

    private Map<String, Object> model(String name) {
        return ((AdminPageModel) example(started.get(name)).plugin()).model("cluster-events", Map.of(), Locale.ENGLISH);
    }

    @SuppressWarnings("unchecked")
    private List<String> events(String name) {
        return (List<String>) model(name).get("events");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> visits(Map<String, Object> model) {
        return (Map<String, String>) model.get("visits");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> greetings(Map<String, Object> model) {
        return (Map<String, String>) model.get("greetings");
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
