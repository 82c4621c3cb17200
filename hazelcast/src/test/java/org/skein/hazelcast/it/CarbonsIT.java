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
import org.skein.c2s.CarbonsScenarios;

/**
 * Message carbons (XEP-0280) with a user's two resources and her contact on three different nodes of a
 * cluster of real Hazelcast members sharing one database: the same {@link CarbonsScenarios} that
 * {@code SmackCarbonsTest} plays on one node.
 */
class CarbonsIT {

    @TempDir
    static Path dir;

    private static HazelcastNodes nodes;
    private static XmppServer one;
    private static XmppServer two;
    private static XmppServer three;
    private final CarbonsScenarios scenarios = new CarbonsScenarios();

    @BeforeAll
    static void startCluster() {
        nodes = new HazelcastNodes(dir, "one", "two", "three");
        Map<String, String> config = Map.of("db.url", "jdbc:h2:mem:carbons-" + UUID.randomUUID(), "xmpp.sasl.failureDelay", "20ms");
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
    void copiesReachTheOtherResourceOnAnotherNode() throws Exception {
        scenarios.copiesReachTheOtherResourceOnAnyNode(one, two, three);
    }

    @Test
    void privateAndIneligibleMessagesAreNotCopiedAcrossNodes() throws Exception {
        scenarios.privateAndIneligibleMessagesAreNotCopied(three, one, two);
    }
}
