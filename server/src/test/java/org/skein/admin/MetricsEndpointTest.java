package org.skein.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jxmpp.jid.impl.JidCreate;
import org.skein.XmppServer;
import org.skein.c2s.SmackClients;
import org.skein.testing.TestNodes;

/** What a Prometheus scraper reads at {@code /metrics} while real clients use the node. */
class MetricsEndpointTest {

    @TempDir
    Path dir;

    private TestNodes nodes;

    @AfterEach
    void stop() throws Exception {
        if (nodes != null) {
            nodes.close();
        }
    }

    private XmppServer node(Map<String, String> extra) {
        nodes = new TestNodes(dir);
        Map<String, String> config = new HashMap<>(Map.of("admin.enabled", "true", "admin.port", "0",
                "xmpp.sasl.failureDelay", "10ms"));
        config.putAll(extra);
        return nodes.start("node", config);
    }

    private static HttpResponse<String> scrape(XmppServer node, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.adminConsole().port() + "/metrics"))
                .timeout(Duration.ofSeconds(30));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The value of one sample, e.g. {@code skein_logins_total{node="node",result="failure"}}; -1 if absent. */
    private static double sample(String body, String name, String label, String value) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$").matcher(body);
        while (m.find()) {
            if (label == null || m.group(1).contains(label + "=\"" + value + "\"")) {
                return Double.parseDouble(m.group(2));
            }
        }
        return -1;
    }

    @Test
    void sessionsStanzasLoginsCachesAndTheJvmAreScrapedWithoutAConsoleLogin() throws Exception {
        XmppServer node = node(Map.of());
        node.userManager().createUser("alice", "secret", "", "");
        node.userManager().createUser("bob", "secret", "", "");
        try (SmackClients clients = new SmackClients(node)) {
            assertThatThrownBy(() -> clients.login("alice", "wrong", "phone")).isNotNull();
            XMPPTCPConnection alice = clients.login("alice", "secret", "phone");
            XMPPTCPConnection bob = clients.login("bob", "secret", "desk");
            for (int i = 0; i < 3; i++) {
                alice.sendStanza(alice.getStanzaFactory().buildMessageStanza().to(JidCreate.from("bob@" + node.xmppDomain() + "/desk"))
                        .ofType(Message.Type.chat).setBody("hello " + i).build());
            }
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                HttpResponse<String> response = scrape(node, null);
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
                String body = response.body();
                assertThat(sample(body, "skein_sessions", null, null)).as("sessions").isEqualTo(2);
                assertThat(sample(body, "skein_stanzas_received_total", "kind", "message")).as("messages received").isGreaterThanOrEqualTo(3);
                assertThat(sample(body, "skein_stanzas_sent_total", "kind", "message")).as("messages sent").isGreaterThanOrEqualTo(3);
                assertThat(sample(body, "skein_stanzas_received_total", "kind", "iq")).as("iqs received (bind, roster)").isPositive();
                assertThat(sample(body, "skein_logins_total", "result", "success")).isEqualTo(2);
                assertThat(sample(body, "skein_logins_total", "result", "failure")).isEqualTo(1);
                assertThat(sample(body, "skein_cluster_members", null, null)).isEqualTo(1);
                assertThat(sample(body, "skein_cache_entries", "cache", "routes.users")).as("routes.users entries").isEqualTo(2);
                assertThat(body).contains("node=\"" + node.nodeId().value() + "\"").contains("jvm_memory_used_bytes");
            });
            bob.disconnect();
            await().atMost(Duration.ofSeconds(30)).until(() -> sample(scrape(node, null).body(), "skein_sessions", null, null) == 1);
        }
    }

    @Test
    void offlineMessagesAreCountedAndWithJmxEnabledTheMetersAreMBeansUntilTheNodeStops() throws Exception {
        String domain = "skein-test-" + java.util.UUID.randomUUID();
        XmppServer node = node(Map.of("metrics.jmx.enabled", "true", "metrics.jmx.domain", domain));
        node.userManager().createUser("alice", "secret", "", "");
        node.userManager().createUser("carol", "secret", "", "");
        javax.management.MBeanServer server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        try (SmackClients clients = new SmackClients(node)) {
            XMPPTCPConnection alice = clients.login("alice", "secret", "phone");
            for (int i = 0; i < 2; i++) {
                alice.sendStanza(alice.getStanzaFactory().buildMessageStanza().to(JidCreate.from("carol@" + node.xmppDomain()))
                        .ofType(Message.Type.chat).setBody("while you were away " + i).build());
            }
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(sample(scrape(node, null).body(), "skein_offline_messages", null, null)).isEqualTo(2);
                java.util.Set<javax.management.ObjectName> sessions = server.queryNames(
                        new javax.management.ObjectName(domain + ":name=skeinSessions.*,*"), null);
                assertThat(sessions).hasSize(1);
                assertThat(((Number) server.getAttribute(sessions.iterator().next(), "Value")).intValue()).isEqualTo(1);
            });
        }
        nodes.close();
        nodes = null;
        assertThat(server.queryNames(new javax.management.ObjectName(domain + ":*"), null)).as("MBeans after the stop").isEmpty();
    }

    @Test
    void withATokenOnlyABearerOfItIsAnswered() throws Exception {
        XmppServer node = node(Map.of("metrics.token", "s3cret-scrape"));
        HttpResponse<String> anonymous = scrape(node, null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.body()).doesNotContain("skein_sessions");
        assertThat(scrape(node, "Bearer wrong").statusCode()).isEqualTo(401);
        HttpResponse<String> bearer = scrape(node, "Bearer s3cret-scrape");
        assertThat(bearer.statusCode()).isEqualTo(200);
        assertThat(bearer.body()).contains("skein_sessions");
    }

    @Test
    void metricsCanBeTurnedOff() throws Exception {
        XmppServer node = node(Map.of("metrics.enabled", "false"));
        HttpResponse<String> response = scrape(node, null);
        assertThat(response.statusCode()).as("the console's login redirect, not metrics").isNotEqualTo(200);
        assertThat(response.body()).doesNotContain("skein_sessions");
    }
}
