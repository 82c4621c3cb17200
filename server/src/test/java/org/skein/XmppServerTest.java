package org.skein;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.skein.config.ServerConfig;
import org.skein.testing.TestNodes;

class XmppServerTest {

    /** Every node a test starts listens on 127.0.0.1 and a free port. */
    private static final Map<String, String> LOCAL_PORTS = Map.of("xmpp.c2s.port", "0", "xmpp.c2s.bindAddress", "127.0.0.1");

    @TempDir
    Path dir;

    private static Map<String, String> withLocalPorts(Map<String, String> config) {
        Map<String, String> all = new java.util.HashMap<>(LOCAL_PORTS);
        all.putAll(config);
        return all;
    }

    @Test
    void twoNodesRunSideBySideInOneJvmWithTheirOwnState() throws Exception {
        try (TestNodes nodes = new TestNodes(dir)) {
            XmppServer one = nodes.start("one", Map.of());
            XmppServer two = nodes.start("two", Map.of());

            assertThat(one.nodeId()).isNotEqualTo(two.nodeId());
            one.cacheFactory().createCache("users").put("alice", "on one");
            assertThat(two.cacheFactory().<String, String>createCache("users").get("alice")).isNull();
            assertThat(one.homeDirectory()).isEqualTo(dir.resolve("one").toAbsolutePath());
        }
    }

    @Test
    void theNodeIdSurvivesARestart() {
        Path home = dir.resolve("node");
        XmppServer first = new XmppServer(home, ServerConfig.inMemory(LOCAL_PORTS), Clock.systemUTC());
        first.start();
        first.stop();
        XmppServer second = new XmppServer(home, ServerConfig.inMemory(LOCAL_PORTS), Clock.systemUTC());
        second.start();
        second.stop();
        assertThat(second.nodeId()).isEqualTo(first.nodeId());
        assertThat(Files.exists(home.resolve("data").resolve("node-id"))).isTrue();
    }

    @Test
    void aConfiguredNodeIdWins() {
        XmppServer node = new XmppServer(dir, ServerConfig.inMemory(withLocalPorts(Map.of("node.id", "node-a"))), Clock.systemUTC());
        assertThat(node.nodeId().value()).isEqualTo("node-a");
        node.stop();
    }

    @Test
    void stoppingLeavesNoThreadOfTheNodeBehind() {
        XmppServer node = new XmppServer(dir, ServerConfig.inMemory(withLocalPorts(Map.of("node.id", "thread-check", "cache.stats.interval", "50ms"))),
                Clock.systemUTC());
        node.start();
        node.cacheFactory().doSynchronousClusterTask(n -> "warm up the task pool", true);
        assertThat(threadsOf("thread-check")).isNotEmpty();

        node.stop();
        node.stop();

        await().atMost(Duration.ofSeconds(10)).until(() -> threadsOf("thread-check").isEmpty());
    }

    private static Set<String> threadsOf(String nodeId) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.startsWith("skein-") && name.contains(nodeId.substring(0, 8)))
                .collect(Collectors.toSet());
    }
}
