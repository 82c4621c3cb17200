package org.skein.c2s;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.skein.XmppServer;
import org.skein.testing.TestNodes;

/**
 * The login-time features of {@link ImScenarios} with every client on one node (registration on, for
 * the account removal); the plugin's {@code ImFeaturesIT} plays the same scenarios across nodes.
 */
class SmackImFeaturesTest {

    @TempDir
    static Path dir;

    private static TestNodes nodes;
    private static XmppServer node;
    private final ImScenarios scenarios = new ImScenarios();

    @BeforeAll
    static void start() {
        nodes = new TestNodes(dir);
        node = nodes.start("node", Map.of("xmpp.sasl.failureDelay", "20ms", "xmpp.register.enabled", "true"));
    }

    @AfterEach
    void disconnect() {
        scenarios.close();
    }

    @AfterAll
    static void stop() throws Exception {
        nodes.close();
    }

    @Test
    void vcardsAreReadAndChangesSeenAtOnce() throws Exception {
        scenarios.vcardsAreReadOnAnyNodeAndChangesSeenAtOnce(node, node);
    }

    @Test
    void privateXmlIsTheSameForEveryResource() throws Exception {
        scenarios.privateXmlIsTheSameOnEveryNode(node, node);
    }

    @Test
    void aBlockStopsEverythingBothWaysUntilUnblocked() throws Exception {
        scenarios.aBlockAppliesOnEveryNodeAtOnce(node, node);
    }

    @Test
    void pushesReachTheResourcesThatAskedForTheList() throws Exception {
        scenarios.pushesReachTheResourcesThatAskedOnEveryNode(node, node, node);
    }

    @Test
    void subscriptionsBetweenABlockedPair() throws Exception {
        scenarios.subscriptionsBetweenABlockedPair(node, node);
    }

    @Test
    void lastActivityOfAUserWhoLeft() throws Exception {
        scenarios.lastActivityOfAUserWhoLeftAnotherNode(node, node);
    }

    @Test
    void removingAnAccountRemovesEverythingKeptForIt() throws Exception {
        scenarios.removingAnAccountRemovesEverythingKeptForIt(node, node);
    }
}
