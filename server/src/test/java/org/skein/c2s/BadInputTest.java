package org.skein.c2s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bad input on raw sockets: each case checks the exact stream error a client sees, that the connection
 * is closed (or, for stanza errors, kept), and that the node still serves a new client afterwards.
 */
class BadInputTest {

    static NodeWithClients env;
    static String user;

    @BeforeAll
    static void start() throws Exception {
        env = new NodeWithClients(Map.of(
                "xmpp.sasl.plain.allowUnencrypted", "true",
                "xmpp.stanza.maxSize", "8KiB",
                "xmpp.sasl.failureDelay", "200ms",
                "xmpp.sasl.maxFailures", "3"));
        user = env.newUser();
    }

    @AfterAll
    static void stop() throws Exception {
        env.close();
    }

    @AfterEach
    void theNodeStillServesANewClient() throws Exception {
        try (RawClient client = new RawClient(env.node.c2sPort())) {
            client.login(user, "secret", "check");
            client.send("<iq type='get' id='p1'><ping xmlns='urn:xmpp:ping'/></iq>");
            assertThat(client.await("id=\"p1\"")).contains("type=\"result\"").doesNotContain("stream:error");
        }
    }

    private static RawClient connect() throws Exception {
        return new RawClient(env.node.c2sPort());
    }

    @Test
    void notWellFormedXmlClosesTheStream() throws Exception {
        try (RawClient client = connect()) {
            client.send(RawClient.header());
            client.await("</stream:features>");
            client.send("<message to='x@localhost'><body>unclosed</message>");
            String seen = client.awaitClose(Duration.ofSeconds(10));
            assertThat(seen).contains(RawClient.streamError("not-well-formed")).endsWith("</stream:stream>");
        }
    }

    @Test
    void garbageBeforeTheHeaderGetsAHeaderAndAnError() throws Exception {
        try (RawClient client = connect()) {
            client.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
            String seen = client.awaitClose(Duration.ofSeconds(10));
            assertThat(seen).startsWith("<?xml version='1.0'?><stream:stream").contains(RawClient.streamError("not-well-formed"));
        }
    }

    /**
     * Smack 4.4/4.5, when {@code connect()} is called again on a connection object that had stream management
     * on, first writes what it queued while its previous connection was closing (here: answers to roster pushes
     * and an ack request, as in SINT's LowLevelRosterIntegrationTest), then the stream header. Those elements
     * are dropped and the client logs in as usual, no stream error (as with Openfire).
     */
    @Test
    void whatAClientLeftFromItsPreviousConnectionBeforeTheHeaderIsDroppedAndItLogsIn() throws Exception {
        try (RawClient client = connect()) {
            client.send("<iq id='push-8e4c34c3-9008' type='result'>\n</iq><r xmlns='urn:xmpp:sm:3'/>"
                    + "<iq id='push-924316bb-2715' type='result'>\n</iq>");
            client.login(user, "secret", "again");
            client.send("<iq type='get' id='p2'><ping xmlns='urn:xmpp:ping'/></iq>");
            assertThat(client.await("id=\"p2\"")).contains("type=\"result\"");
            assertThat(client.received()).doesNotContain("stream:error");
        }
    }

    @Test
    void aStanzaInsteadOfTheHeaderStillGetsAnErrorOnceItIsMoreThanAStanza() throws Exception {
        try (RawClient client = connect()) {
            String message = "<message to='x@localhost'><body>" + "x".repeat(3 * 1024) + "</body></message>";
            client.send(message + message + message);
            String seen = client.awaitClose(Duration.ofSeconds(10));
            assertThat(seen).startsWith("<?xml version='1.0'?><stream:stream").contains(RawClient.streamError("invalid-namespace"))
                    .contains("not &lt;message&gt;");
        }
    }

    @Test
    void aDoctypeIsRestrictedXml() throws Exception {
        try (RawClient client = connect()) {
            client.send("<?xml version='1.0'?><!DOCTYPE stream:stream><stream:stream xmlns='jabber:client' "
                    + "xmlns:stream='http://etherx.jabber.org/streams' to='localhost' version='1.0'>");
            String seen = client.awaitClose(Duration.ofSeconds(10));
            assertThat(seen).contains(RawClient.streamError("restricted-xml"));
        }
    }

    @Test
    void entityDeclarationsAreNeverExpanded() throws Exception {
        try (RawClient client = connect()) {
            StringBuilder laughs = new StringBuilder("<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol 'lol'>");
            for (int i = 1; i < 10; i++) {
                laughs.append("<!ENTITY lol").append(i).append(" '").append(("&lol" + (i == 1 ? "" : i - 1) + ";").repeat(10)).append("'>");
            }
            laughs.append("]><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"
                    + "<message><body>&lol9;</body></message>");
            client.send(laughs.toString());
            String seen = client.awaitClose(Duration.ofSeconds(10));
            assertThat(seen).containsAnyOf(RawClient.streamError("restricted-xml"), RawClient.streamError("not-well-formed"))
                    .doesNotContain("lollol");
        }
    }

    @Test
    void aCommentIsRestrictedXml() throws Exception {
        try (RawClient client = connect()) {
            client.send(RawClient.header() + "<!-- hello -->");
            assertThat(client.awaitClose(Duration.ofSeconds(10))).contains(RawClient.streamError("restricted-xml"));
        }
    }

    @Test
    void anOversizedStanzaIsAPolicyViolation() throws Exception {
        try (RawClient client = connect()) {
            client.login(user, "secret", "big");
            client.send("<message to='" + env.jid(user) + "'><body>" + "x".repeat(16 * 1024) + "</body></message>");
            String seen = client.awaitClose(Duration.ofSeconds(10));
            assertThat(seen).contains(RawClient.streamError("policy-violation"));
        }
    }

    @Test
    void aMalformedJidGetsAJidMalformedErrorAndTheStreamGoesOn() throws Exception {
        try (RawClient client = connect()) {
            client.login(user, "secret", "jids");
            client.send("<message to='a@b@c' id='m1'><body>hi</body></message>");
            String seen = client.await("</message>");
            assertThat(seen).contains("type=\"error\"").contains("<jid-malformed xmlns=\"urn:ietf:params:xml:ns:xmpp-stanzas\"/>");
            client.clear();
            client.send("<iq type='get' id='p2' to='bad@@localhost'><ping xmlns='urn:xmpp:ping'/></iq>");
            assertThat(client.await("</iq>")).contains("jid-malformed");
            assertThat(client.isOpen()).isTrue();
        }
    }

    @Test
    void aForgedFromIsInvalidFrom() throws Exception {
        try (RawClient client = connect()) {
            client.login(user, "secret", "forger");
            client.send("<message from='someone-else@localhost/x' to='" + env.jid(user) + "'><body>hi</body></message>");
            assertThat(client.awaitClose(Duration.ofSeconds(10))).contains(RawClient.streamError("invalid-from"));
        }
    }

    @Test
    void aStanzaBeforeAuthenticationIsNotAuthorized() throws Exception {
        try (RawClient client = connect()) {
            client.send(RawClient.header());
            client.await("</stream:features>");
            client.send("<message to='" + env.jid(user) + "'><body>let me in</body></message>");
            assertThat(client.awaitClose(Duration.ofSeconds(10))).contains(RawClient.streamError("not-authorized"));
        }
    }

    @Test
    void aStanzaBeforeBindingIsNotAuthorized() throws Exception {
        try (RawClient client = connect()) {
            client.send(RawClient.header());
            client.await("</stream:features>");
            client.authPlain(user, "secret");
            client.await("<success");
            client.send(RawClient.header());
            client.await("</stream:features>");
            client.send("<message to='" + env.jid(user) + "'><body>unbound</body></message>");
            assertThat(client.awaitClose(Duration.ofSeconds(10))).contains(RawClient.streamError("not-authorized"));
        }
    }

    @Test
    void theThirdWrongPasswordOnOneStreamClosesIt() throws Exception {
        try (RawClient client = connect()) {
            client.send(RawClient.header());
            client.await("</stream:features>");
            client.clear();
            for (int attempt = 1; attempt <= 2; attempt++) {
                client.authPlain(user, "wrong");
                assertThat(client.await("</failure>")).contains("<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><not-authorized/>");
                client.clear();
            }
            client.authPlain(user, "wrong");
            String last = client.awaitClose(Duration.ofSeconds(20));
            assertThat(last).contains("<not-authorized/>").contains(RawClient.streamError("policy-violation"));
        }
    }

    @Test
    void anUnknownTopLevelElementIsUnsupportedStanzaType() throws Exception {
        try (RawClient client = connect()) {
            client.send(RawClient.header());
            client.await("</stream:features>");
            client.send("<foo xmlns='urn:example'/>");
            assertThat(client.awaitClose(Duration.ofSeconds(10))).contains(RawClient.streamError("unsupported-stanza-type"));
        }
    }

    @Test
    void aWrongDomainIsHostUnknown() throws Exception {
        try (RawClient client = connect()) {
            client.send("<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' "
                    + "to='elsewhere.example' version='1.0'>");
            assertThat(client.awaitClose(Duration.ofSeconds(10))).contains(RawClient.streamError("host-unknown"));
        }
    }

    @Test
    void idleConnectionsAreClosedAndWhitespaceKeepsThemOpen() throws Exception {
        try (NodeWithClients idle = new NodeWithClients(Map.of("xmpp.idleTimeout", "1s", "xmpp.sasl.plain.allowUnencrypted", "true"))) {
            String name = idle.newUser();
            ScheduledExecutorService pinger = Executors.newSingleThreadScheduledExecutor();
            try (RawClient quiet = new RawClient(idle.node.c2sPort()); RawClient chatty = new RawClient(idle.node.c2sPort())) {
                quiet.login(name, "secret", "quiet");
                chatty.login(name, "secret", "chatty");
                pinger.scheduleAtFixedRate(() -> {
                    try {
                        chatty.send(" ");
                    } catch (Exception e) {
                        // the assertion below reports it
                    }
                }, 0, 250, TimeUnit.MILLISECONDS);
                String seen = quiet.awaitClose(Duration.ofSeconds(10));
                assertThat(seen).contains(RawClient.streamError("connection-timeout"));
                await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(chatty::isOpen);
                pinger.shutdownNow();
                pinger.awaitTermination(5, TimeUnit.SECONDS);
                chatty.send("<iq type='get' id='p3'><ping xmlns='urn:xmpp:ping'/></iq>");
                assertThat(chatty.await("id=\"p3\"")).contains("type=\"result\"");
            } finally {
                pinger.shutdownNow();
            }
        }
    }
}
