package org.skein.c2s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.skein.XmppServer;
import org.skein.config.ConfigException;
import org.skein.config.ServerConfig;
import org.skein.testing.TestNodes;

class NodeShutdownTest {

    @TempDir
    Path dir;

    @Test
    void stoppingSaysSystemShutdownToClientsAndLeavesNoThreadBehind() throws Exception {
        XmppServer node = new XmppServer(dir, ServerConfig.inMemory(Map.of("node.id", "c2s-stop-check", "admin.enabled", "false", "xmpp.c2s.port", "0",
                "xmpp.c2s.bindAddress", "127.0.0.1", "xmpp.sasl.plain.allowUnencrypted", "true")), Clock.systemUTC());
        node.start();
        node.userManager().createUser("alice", "secret", "", "");
        try (RawClient client = new RawClient(node.c2sPort())) {
            client.login("alice", "secret", "desk");
            assertThat(threadsOf("c2s-stop")).anyMatch(n -> n.startsWith("skein-c2s-io-"))
                    .anyMatch(n -> n.startsWith("skein-xmpp-"));

            node.stop();

            assertThat(client.awaitClose(Duration.ofSeconds(10))).contains(RawClient.streamError("system-shutdown"));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> threadsOf("c2s-stop").isEmpty());
        assertThat(node.c2sPort()).isEqualTo(-1);
    }

    @Test
    void aBadXmppSettingNamesTheKeyAndWhatWasExpected() {
        try (TestNodes nodes = new TestNodes(dir)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> nodes.create("bad", Map.of("xmpp.c2s.port", "70000")))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("xmpp.c2s.port").hasMessageContaining("70000").hasMessageContaining("expected");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> nodes.create("bad2", Map.of("xmpp.domain", "a@b")))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("xmpp.domain").hasMessageContaining("expected");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> nodes.create("bad3", Map.of("xmpp.idleTimeout", "soon")))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("xmpp.idleTimeout");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static Set<String> threadsOf(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.startsWith("skein-") && name.contains(prefix))
                .collect(Collectors.toSet());
    }
}
