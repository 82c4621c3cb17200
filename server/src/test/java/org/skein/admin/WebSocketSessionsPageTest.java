package org.skein.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.skein.XmppServer;
import org.skein.c2s.SmackClients;
import org.skein.c2s.WsClient;
import org.skein.testing.TestNodes;

/**
 * A web client's session in the admin console: listed beside a TCP client's with its connection
 * ("WebSocket"), and closed from the console with a stream error the web client reads.
 */
class WebSocketSessionsPageTest {

    @TempDir
    Path dir;

    private TestNodes nodes;
    private SmackClients smack;

    @AfterEach
    void stop() throws Exception {
        if (smack != null) {
            smack.close();
        }
        if (nodes != null) {
            nodes.close();
        }
    }

    /** The row of a session in the sessions page, or "" if there is none. */
    private static String row(String page, String jid) {
        Matcher m = Pattern.compile("<tr[^>]*data-jid=\"" + Pattern.quote(jid) + "\"[^>]*>.*?</tr>", Pattern.DOTALL).matcher(page);
        return m.find() ? m.group() : "";
    }

    @Test
    void aWebSocketSessionIsListedWithItsConnectionAndClosedFromTheConsole() throws Exception {
        nodes = new TestNodes(dir);
        XmppServer node = nodes.start("console", Map.of("admin.enabled", "true", "admin.port", "0",
                "admin.initialPassword", "correct horse", "xmpp.sasl.plain.allowUnencrypted", "true"));
        node.userManager().createUser("web", "secret", "", "");
        node.userManager().createUser("desk", "secret", "", "");
        smack = new SmackClients(node);
        smack.login("desk", "secret", "tcp");
        try (WsClient web = WsClient.connect(node.webSocketPort())) {
            web.login(node.xmppDomain(), "web", "secret", "browser");
            ConsoleClient console = new ConsoleClient(node.adminConsole().port());
            assertThat(console.login("admin", "correct horse").statusCode()).isEqualTo(302);

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                String page = console.get("/sessions").body();
                assertThat(row(page, "web@localhost/browser")).contains("data-transport=\"websocket\"").contains(">WebSocket<");
                assertThat(row(page, "desk@localhost/tcp")).contains("data-transport=\"tcp\"").contains(">TCP<");
            });

            HttpResponse<String> closed = console.post("/sessions/close", Map.of("jid", "web@localhost/browser", "q", "", "page", "0"));
            assertThat(closed.statusCode()).isEqualTo(302);
            String seen = web.awaitClose();
            assertThat(seen).contains("<policy-violation xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>")
                    .contains(SessionsPage.CLOSE_TEXT).endsWith("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
            await().atMost(Duration.ofSeconds(10)).until(() -> row(console.get("/sessions").body(), "web@localhost/browser").isEmpty());
        }
    }
}
