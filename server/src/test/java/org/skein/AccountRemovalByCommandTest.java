package org.skein;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.skein.c2s.ImScenarios;
import org.skein.testing.TestNodes;

/**
 * {@code skein-server user delete} (what {@code bin/skein user delete} runs) removes what the
 * login-time features kept for the account, while the node runs on its embedded database: the rows go
 * with the account. (The running node is not told: its cached copies would expire; an account created
 * again through the node starts empty, since creation clears them.)
 */
class AccountRemovalByCommandTest {

    @TempDir
    Path dir;

    @Test
    void deletingAUserFromTheCommandLineRemovesTheirVCardPrivateXmlBlockListAndLastActivity() throws Exception {
        try (TestNodes nodes = new TestNodes(dir); ImScenarios scenarios = new ImScenarios()) {
            XmppServer node = nodes.start("node", Map.of("xmpp.sasl.failureDelay", "20ms"));
            String user = ImScenarios.newUser(node);
            scenarios.keepEverythingFor(node, user);

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = new UserCommand(node.homeDirectory(), new PrintStream(out, true, StandardCharsets.UTF_8),
                    new ByteArrayInputStream(new byte[0])).run(List.of("delete", user));
            assertThat(code).as(out.toString(StandardCharsets.UTF_8)).isZero();

            scenarios.assertNothingKeptFor(node, user, false);
        }
    }
}
