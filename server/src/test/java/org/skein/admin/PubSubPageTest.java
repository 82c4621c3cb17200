package org.skein.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.dom4j.DocumentHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.skein.XmppServer;
import org.skein.cluster.testing.InMemoryCluster;
import org.skein.pubsub.PubSubTopics;
import org.skein.testing.TestNodes;
import org.xmpp.packet.JID;

/**
 * The console's publish-subscribe page over real HTTP: the service's nodes with their subscriber and
 * item counts, a node's subscribers, deletion with the CSRF token only; the same from either of two
 * clustered nodes on one database; German and Chinese.
 */
class PubSubPageTest {

    @TempDir
    Path dir;

    private TestNodes nodes;

    @AfterEach
    void stop() throws Exception {
        if (nodes != null) {
            nodes.close();
        }
    }

    private static Map<String, String> config(String id, String database) {
        Map<String, String> config = new HashMap<>(Map.of("admin.enabled", "true", "admin.port", "0",
                "admin.initialPassword", "correct horse", "clustering.enabled", "true", "node.id", id, "db.url", database));
        return config;
    }

    private static ConsoleClient loggedIn(XmppServer node) throws Exception {
        ConsoleClient client = new ConsoleClient(node.adminConsole().port());
        assertThat(client.login("admin", "correct horse").statusCode()).isEqualTo(302);
        return client;
    }

    @Test
    void eitherNodesConsoleListsTheServicesNodesTheirSubscribersAndDeletesOne() throws Exception {
        String database = "jdbc:h2:mem:pubsub-page-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        InMemoryCluster cluster = new InMemoryCluster();
        nodes = new TestNodes(dir);
        XmppServer one = nodes.start("one", config("one", database));
        XmppServer two = nodes.start("two", config("two", database));
        for (XmppServer node : List.of(one, two)) {
            node.clusterManager().registerProvider(cluster.provider());
            node.clusterManager().startup();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> one.cacheFactory().isClustered() && two.cacheFactory().isClustered());

        PubSubTopics topics = one.pubSubTopics().orElseThrow();
        topics.addTopic("news");
        topics.addTopic("weather");
        topics.subscribe("news", new JID("alice@localhost"));
        topics.subscribe("news", new JID("bob@localhost/phone"));
        for (int i = 0; i < 3; i++) {
            topics.publish("news", DocumentHelper.parseText("<entry xmlns='urn:test'>" + i + "</entry>").getRootElement());
        }

        ConsoleClient onTwo = loggedIn(two);
        String list = onTwo.get("/pubsub").body();
        assertThat(list).contains("pubsub.localhost").contains("Nodes (2)");
        assertThat(row(list, "news")).contains("<td class=\"subscribers\">2</td>").contains("<td class=\"items\">3</td>");
        assertThat(row(list, "weather")).contains("<td class=\"subscribers\">0</td>").contains("<td class=\"items\">0</td>");
        assertThat(onTwo.get("/pubsub/subscribers?node=news").body()).contains("alice@localhost").contains("bob@localhost/phone");

        HttpResponse<String> forged = onTwo.postRaw("/pubsub/delete", "node=news");
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(topics.topicExists("news")).as("no CSRF token, no deletion").isTrue();

        onTwo.post("/pubsub/delete", Map.of("node", "news"));
        assertThat(onTwo.get("/pubsub").body()).contains("Node news deleted; its subscribers were told.").contains("Nodes (1)");
        assertThat(topics.topicExists("news")).as("seen from node one").isFalse();
        assertThat(loggedIn(one).get("/pubsub").body()).doesNotContain("data-node=\"news\"").contains("data-node=\"weather\"");

        assertThat(onTwo.get("/pubsub", "de-DE,de;q=0.9").body()).contains("Abonnenten").contains("Einträge");
        onTwo.get("/language?lang=zh-CN");
        assertThat(onTwo.get("/pubsub").body()).contains("订阅者").contains("条目");
    }

    @Test
    void withoutTheServiceThePageSaysItIsOff() throws Exception {
        nodes = new TestNodes(dir);
        XmppServer node = nodes.start("node", Map.of("admin.enabled", "true", "admin.port", "0",
                "admin.initialPassword", "correct horse", "pubsub.enabled", "false"));
        assertThat(loggedIn(node).get("/pubsub").body()).contains("id=\"pubsub-disabled\"");
    }

    private static String row(String page, String node) {
        int start = page.indexOf("data-node=\"" + node + "\"");
        assertThat(start).as("a row for %s", node).isPositive();
        return page.substring(start, page.indexOf("</tr>", start));
    }
}
