package org.skein.hazelcast.it;

import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.skein.XmppServer;
import org.skein.c2s.ImScenarios;

/**
 * The login-time features (vcard-temp, private XML, blocking, last activity, account removal) with
 * each user's resources and contacts on different nodes of a three-node cluster of real Hazelcast
 * members sharing one database: the same {@link ImScenarios} that {@code SmackImFeaturesTest} plays on
 * one node.
 */
class ImFeaturesIT {

    @TempDir
    static Path dir;

    private static HazelcastNodes nodes;
    private static XmppServer one;
    private static XmppServer two;
    private static XmppServer three;
    private final ImScenarios scenarios = new ImScenarios();

    @BeforeAll
    static void startCluster() {
        nodes = new HazelcastNodes(dir, "one", "two", "three");
        Map<String, String> config = Map.of("db.url", "jdbc:h2:mem:im-" + UUID.randomUUID(), "xmpp.register.enabled", "true",
                "xmpp.sasl.failureDelay", "20ms");
        one = nodes.start("one", config);
        two = nodes.start("two", config);
        three = nodes.start("three", config);
        await().atMost(Duration.ofSeconds(30)).until(() -> one.clusterManager().getNodesInfo().size() == 3);
    }

    @AfterEach
    void disconnect() {
        scenarios.close();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        nodes.close();
    }

    @Test
    void aVCardSavedOnOneNodeIsReadOnAnotherAndEveryChangeAtOnce() throws Exception {
        scenarios.vcardsAreReadOnAnyNodeAndChangesSeenAtOnce(one, two);
    }

    @Test
    void privateXmlIsTheSameOnEveryNode() throws Exception {
        scenarios.privateXmlIsTheSameOnEveryNode(two, three);
    }

    @Test
    void aBlockAppliesToAContactOnAnotherNodeAtOnce() throws Exception {
        scenarios.aBlockAppliesOnEveryNodeAtOnce(one, three);
    }

    @Test
    void pushesReachTheResourcesThatAskedOnEveryNode() throws Exception {
        scenarios.pushesReachTheResourcesThatAskedOnEveryNode(one, two, three);
    }

    @Test
    void subscriptionsBetweenABlockedPairOnTwoNodes() throws Exception {
        scenarios.subscriptionsBetweenABlockedPair(two, one);
    }

    @Test
    void lastActivityOfAUserWhoLeftAnotherNode() throws Exception {
        scenarios.lastActivityOfAUserWhoLeftAnotherNode(three, one);
    }

    @Test
    void removingAnAccountRemovesEverythingOnEveryNode() throws Exception {
        scenarios.removingAnAccountRemovesEverythingKeptForIt(one, two);
    }
}
