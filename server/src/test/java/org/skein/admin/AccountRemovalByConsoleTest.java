package org.skein.admin;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.skein.XmppServer;
import org.skein.c2s.ImScenarios;
import org.skein.testing.TestNodes;

/** The console's user removal removes what the login-time features kept for the account, in the database and the caches. */
class AccountRemovalByConsoleTest {

    @TempDir
    Path dir;

    @Test
    void removingAUserInTheConsoleRemovesTheirVCardPrivateXmlBlockListAndLastActivity() throws Exception {
        try (TestNodes nodes = new TestNodes(dir); ImScenarios scenarios = new ImScenarios()) {
            XmppServer node = nodes.start("node", Map.of("admin.enabled", "true", "admin.port", "0",
                    "admin.initialPassword", "correct horse", "xmpp.sasl.failureDelay", "20ms"));
            String user = ImScenarios.newUser(node);
            scenarios.keepEverythingFor(node, user);

            ConsoleClient admin = new ConsoleClient(node.adminConsole().port());
            admin.login("admin", "correct horse");
            admin.get("/users");
            admin.post("/users/delete", Map.of("username", user));

            scenarios.assertNothingKeptFor(node, user, true);
        }
    }
}
