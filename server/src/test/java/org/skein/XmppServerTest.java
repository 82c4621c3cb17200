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

    /** No listener on a fixed port: the admin console off, XMPP on a free port of 127.0.0.1. */
    private static final Map<String, String> QUIET = Map.of(
            "admin.enabled", "false", "xmpp.c2s.port", "0", "xmpp.c2s.bindAddress", "127.0.0.1");

    @TempDir
    Path dir;

    private static Map<String, String> with(Map<String, String> base, String key, String value) {
        Map<String, String> copy = new java.util.HashMap<>(base);
        copy.put(key, value);
        return copy;
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
        XmppServer first = new XmppServer(home, ServerConfig.inMemory(QUIET), Clock.systemUTC());
        first.start();
        first.stop();
        XmppServer second = new XmppServer(home, ServerConfig.inMemory(QUIET), Clock.systemUTC());
        second.start();
        second.stop();
        assertThat(second.nodeId()).isEqualTo(first.nodeId());
        assertThat(Files.exists(home.resolve("data").resolve("node-id"))).isTrue();
    }

    @Test
    void aConfiguredNodeIdWins() {
        XmppServer node = new XmppServer(dir, ServerConfig.inMemory(with(QUIET, "node.id", "node-a")), Clock.systemUTC());
        assertThat(node.nodeId().value()).isEqualTo("node-a");
        node.stop();
    }

    @Test
    void stoppingLeavesNoThreadOfTheNodeBehind() {
        XmppServer node = new XmppServer(dir, ServerConfig.inMemory(with(with(QUIET, "node.id", "thread-check"), "cache.stats.interval", "50ms")),
                Clock.systemUTC());
        node.start();
        node.clusterManager().doSynchronousClusterTask(n -> "warm up the task pool", true);
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
