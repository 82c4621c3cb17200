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

/** Message carbons ({@link CarbonsScenarios}) with every client on one node; the plugin's {@code CarbonsIT} plays them across nodes. */
class SmackCarbonsTest {

    @TempDir
    static Path dir;

    private static TestNodes nodes;
    private static XmppServer node;
    private final CarbonsScenarios scenarios = new CarbonsScenarios();

    @BeforeAll
    static void start() {
        nodes = new TestNodes(dir);
        node = nodes.start("node", Map.of("xmpp.sasl.failureDelay", "20ms"));
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
    void copiesReachTheUsersOtherResource() throws Exception {
        scenarios.copiesReachTheOtherResourceOnAnyNode(node, node, node);
    }

    @Test
    void privateAndIneligibleMessagesAreNotCopied() throws Exception {
        scenarios.privateAndIneligibleMessagesAreNotCopied(node, node, node);
    }
}
