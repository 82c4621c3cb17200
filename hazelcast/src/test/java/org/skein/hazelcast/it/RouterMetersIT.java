package org.skein.hazelcast.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
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

/**
 * What an operator's Prometheus reads at {@code /metrics} about the traffic between two nodes (real
 * Hazelcast members, real Smack clients): batches, bytes and stanzas each way, the round trip of the
 * batches, the stages of a crossing, the queues and the receiving node's pending deliveries back at zero.
 */
class RouterMetersIT {

    private static final int MESSAGES = 40;

    @TempDir
    Path dir;

    private HazelcastNodes nodes;

    @AfterEach
    void stop() throws Exception {
        if (nodes != null) {
            nodes.close();
        }
    }

    private static String scrape(XmppServer node) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.adminConsole().port() + "/metrics"))
                        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    /** The value of the sample of {@code name} whose labels include every given pair; -1 if there is none. */
    private static double sample(String body, String name, String... labels) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$").matcher(body);
        while (m.find()) {
            boolean all = true;
            for (int i = 0; i < labels.length; i += 2) {
                all &= m.group(1).contains(labels[i] + "=\"" + labels[i + 1] + "\"");
            }
            if (all) {
                return Double.parseDouble(m.group(2));
            }
        }
        return -1;
    }

    @Test
    void batchesBytesRoundTripsAndQueuesBetweenTwoNodesAreScrapedOnEach() throws Exception {
        nodes = new HazelcastNodes(dir, "one", "two");
        Map<String, String> config = Map.of("db.url", "jdbc:h2:mem:meters-" + UUID.randomUUID(), "admin.enabled", "true",
                "admin.port", "0");
        XmppServer one = nodes.start("one", config);
        XmppServer two = nodes.start("two", config);
        await().atMost(Duration.ofSeconds(60)).until(() -> one.clusterManager().getNodesInfo().size() == 2
                && two.clusterManager().getNodesInfo().size() == 2);
        one.userManager().createUser("alice", "secret", "", "");
        one.userManager().createUser("bob", "secret", "", "");

        try (SmackClients onOne = new SmackClients(one); SmackClients onTwo = new SmackClients(two)) {
            XMPPTCPConnection alice = onOne.login("alice", "secret", "phone");
            XMPPTCPConnection bob = onTwo.login("bob", "secret", "desk");
            Set<String> received = ConcurrentHashMap.newKeySet();
            bob.addAsyncStanzaListener(stanza -> received.add(((Message) stanza).getBody()),
                    stanza -> stanza instanceof Message m && m.getBody() != null);
            for (int i = 0; i < MESSAGES; i++) {
                alice.sendStanza(alice.getStanzaFactory().buildMessageStanza().to(JidCreate.from("bob@" + one.xmppDomain() + "/desk"))
                        .ofType(Message.Type.chat).setBody("over the wire " + i).build());
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> received.size() == MESSAGES);

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                String sender = scrape(one);
                String receiver = scrape(two);
                double batchesSent = sample(sender, "skein_cluster_batches_sent_total", "peer", "two");
                assertThat(batchesSent).as("batches one sent to two").isGreaterThanOrEqualTo(1);
                assertThat(sample(sender, "skein_cluster_batch_stanzas_sum", "peer", "two", "direction", "sent"))
                        .as("stanza entries in them").isGreaterThanOrEqualTo(MESSAGES);
                assertThat(sample(sender, "skein_cluster_bytes_sent_total", "peer", "two")).as("bytes one sent to two")
                        .isGreaterThan(MESSAGES * 50.0);
                assertThat(sample(sender, "skein_cluster_batch_roundtrip_seconds_count", "peer", "two"))
                        .as("round trips timed").isGreaterThanOrEqualTo(1);
                assertThat(sample(sender, "skein_cluster_batch_roundtrip_seconds_bucket", "peer", "two", "le", "+Inf"))
                        .as("the round-trip histogram").isGreaterThanOrEqualTo(1);
                assertThat(sample(sender, "skein_cluster_queue", "peer", "two")).as("nothing left queued for two").isZero();

                assertThat(sample(receiver, "skein_cluster_batches_received_total", "peer", "one")).as("batches two took from one")
                        .isGreaterThanOrEqualTo(1);
                assertThat(sample(receiver, "skein_cluster_bytes_received_total", "peer", "one")).as("bytes two took from one")
                        .isGreaterThan(MESSAGES * 50.0)
                        .isLessThanOrEqualTo(sample(sender, "skein_cluster_bytes_sent_total", "peer", "two"));
                assertThat(sample(receiver, "skein_cluster_stanzas_received_total", "peer", "one", "outcome", "delivered"))
                        .as("stanzas from one delivered to sessions on two").isGreaterThanOrEqualTo(MESSAGES);
                assertThat(sample(receiver, "skein_cluster_batches_unreadable_total", "peer", "one")).isZero();
                // the stages of a crossing: queued and sent on one, handled, waited for a lane and delivered on two
                assertThat(sample(sender, "skein_cluster_stanza_queued_seconds_count", "peer", "two")).isGreaterThanOrEqualTo(MESSAGES);
                assertThat(sample(sender, "skein_cluster_batch_send_seconds_count", "peer", "two")).isEqualTo(batchesSent);
                assertThat(sample(receiver, "skein_cluster_batch_handling_seconds_count", "peer", "one")).isGreaterThanOrEqualTo(1);
                assertThat(sample(receiver, "skein_cluster_inbound_wait_seconds_count")).isGreaterThanOrEqualTo(MESSAGES);
                assertThat(sample(receiver, "skein_cluster_inbound_delivery_seconds_count")).isGreaterThanOrEqualTo(MESSAGES);
                assertThat(sample(receiver, "skein_cluster_inbound_pending")).as("nothing pending on two").isZero();
                assertThat(receiver).contains("node=\"two\"");
            });
        }
    }
}
