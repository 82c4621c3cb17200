package org.skein.c2s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The TCP port's bad input ({@link BadInputTest}), sent as WebSocket messages, and the WebSocket's own:
 * each case checks the stream error a web client sees, that the stream ends with {@code <close/>} and
 * a WebSocket close frame, and that the node still serves a new client afterwards. Where both ports can
 * get the same bytes, the test sends them to both and expects the same stream error.
 */
class WebSocketBadInputTest {

    private static final Pattern STREAM_ERROR = Pattern.compile(
            "<stream:error[^>]*><([a-z-]+) xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>");

    static NodeWithClients env;
    static String user;

    @BeforeAll
    static void start() throws Exception {
        env = new NodeWithClients(Map.of(
                "xmpp.sasl.plain.allowUnencrypted", "true",
                "xmpp.stanza.maxSize", "8KiB",
                "xmpp.sasl.failureDelay", "50ms",
                "xmpp.sasl.maxFailures", "3",
                // every case opens connections on both ports, several per case: far beyond the per-address connection rate
                "xmpp.c2s.limitsExempt", "127.0.0.0/8"));
        user = env.newUser();
    }

    @AfterAll
    static void stop() throws Exception {
        env.close();
    }

    @AfterEach
    void theNodeStillServesANewClientOnBothPorts() throws Exception {
        try (WsClient client = connect()) {
            client.login(domain(), user, "secret", "check");
            client.send("<iq xmlns='jabber:client' type='get' id='p1'><ping xmlns='urn:xmpp:ping'/></iq>");
            assertThat(client.await("id=\"p1\"")).contains("type=\"result\"").doesNotContain("stream:error");
        }
        try (RawClient client = new RawClient(env.node.c2sPort())) {
            client.login(user, "secret", "check-tcp");
            client.send("<iq type='get' id='p1'><ping xmlns='urn:xmpp:ping'/></iq>");
            assertThat(client.await("id=\"p1\"")).contains("type=\"result\"");
        }
    }

    private static WsClient connect() throws Exception {
        return WsClient.connect(env.node.webSocketPort());
    }

    private static String domain() {
        return env.node.xmppDomain();
    }

    /** The condition of the stream error in what was received, or "none". */
    private static String condition(String received) {
        Matcher m = STREAM_ERROR.matcher(received);
        return m.find() ? m.group(1) : "none";
    }

    /** Reads until the server closes, and checks that the stream ended as RFC 7395 says: the error, then {@code <close/>}. */
    private static String closedWithError(WsClient client) throws InterruptedException {
        String seen = client.awaitClose();
        assertThat(seen).contains("<stream:error xmlns:stream='http://etherx.jabber.org/streams'>")
                .endsWith("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
        assertThat(client.closeCode()).as("a WebSocket close frame").isEqualTo(1000);
        return condition(seen);
    }

    static Stream<Arguments> badStanzas() {
        return Stream.of(
                Arguments.of("a stanza that is not well-formed", "<message to='x@localhost'><body>unclosed</message>".getBytes(StandardCharsets.UTF_8), "not-well-formed"),
                Arguments.of("a comment", "<!-- hello -->".getBytes(StandardCharsets.UTF_8), "restricted-xml"),
                Arguments.of("a processing instruction", "<?skein please?>".getBytes(StandardCharsets.UTF_8), "restricted-xml"),
                Arguments.of("an entity reference", "<message><body>&lol;</body></message>".getBytes(StandardCharsets.UTF_8), "restricted-xml"),
                Arguments.of("a character XML forbids", "<message><body>&#1;</body></message>".getBytes(StandardCharsets.UTF_8), "not-well-formed"),
                Arguments.of("bytes that are not UTF-8", bytes("<message><body>", new byte[] {(byte) 0xC3, 0x28}, "</body></message>"), "not-well-formed"),
                Arguments.of("an unknown top-level element", "<foo xmlns='urn:example'/>".getBytes(StandardCharsets.UTF_8), "unsupported-stanza-type"),
                Arguments.of("a stanza before authentication", "<message to='someone@localhost'><body>let me in</body></message>".getBytes(StandardCharsets.UTF_8), "not-authorized"));
    }

    private static byte[] bytes(String before, byte[] middle, String after) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(before.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(middle);
        out.writeBytes(after.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badStanzas")
    void theSameBadBytesGetTheSameStreamErrorOnBothPorts(String what, byte[] payload, String expected) throws Exception {
        String overTcp;
        try (RawClient client = new RawClient(env.node.c2sPort())) {
            client.send(RawClient.header());
            client.await("</stream:features>");
            client.send(payload);
            overTcp = condition(client.awaitClose(Duration.ofSeconds(10)));
        }
        String overWebSocket;
        try (WsClient client = connect()) {
            client.send(WsClient.open(domain()));
            client.await("<stream:features");
            client.sendTextBytes(payload);
            overWebSocket = closedWithError(client);
        }
        assertThat(overWebSocket).as("over WebSocket").isEqualTo(overTcp).isEqualTo(expected);
    }

    @Test
    void garbageInsteadOfOpenGetsAnOpenAndAnError() throws Exception {
        try (WsClient client = connect()) {
            client.send("GET / HTTP/1.1");
            String seen = client.awaitClose();
            assertThat(seen).startsWith("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing'");
            assertThat(condition(seen)).isEqualTo("not-well-formed");
        }
    }

    @Test
    void aStanzaInsteadOfOpenIsAnInvalidNamespace() throws Exception {
        try (WsClient client = connect()) {
            client.send("<message xmlns='jabber:client' to='x@localhost'><body>hi</body></message>");
            assertThat(closedWithError(client)).isEqualTo("invalid-namespace");
        }
    }

    @Test
    void aDoctypeIsRestrictedXml() throws Exception {
        try (WsClient client = connect()) {
            client.send("<?xml version='1.0'?><!DOCTYPE open><open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='localhost' version='1.0'/>");
            assertThat(closedWithError(client)).isEqualTo("restricted-xml");
        }
    }

    @Test
    void entityDeclarationsAreNeverExpanded() throws Exception {
        try (WsClient client = connect()) {
            StringBuilder laughs = new StringBuilder("<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol 'lol'>");
            for (int i = 1; i < 10; i++) {
                laughs.append("<!ENTITY lol").append(i).append(" '").append(("&lol" + (i == 1 ? "" : i - 1) + ";").repeat(10)).append("'>");
            }
            laughs.append("]><open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='localhost' version='1.0'/>");
            client.send(laughs.toString());
            String seen = client.awaitClose();
            assertThat(condition(seen)).isIn("restricted-xml", "not-well-formed");
            assertThat(seen).doesNotContain("lollol");
        }
    }

    @Test
    void aWrongDomainIsHostUnknown() throws Exception {
        try (WsClient client = connect()) {
            client.send(WsClient.open("elsewhere.example"));
            assertThat(closedWithError(client)).isEqualTo("host-unknown");
        }
    }

    @Test
    void anOpenWithoutVersionIsUnsupportedVersion() throws Exception {
        try (WsClient client = connect()) {
            client.send("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='localhost'/>");
            assertThat(closedWithError(client)).isEqualTo("unsupported-version");
        }
    }

    @Test
    void aStanzaLargerThanTheLimitInOneMessageIsAPolicyViolation() throws Exception {
        try (WsClient client = connect()) {
            client.login(domain(), user, "secret", "big");
            client.send("<message xmlns='jabber:client' to='" + env.jid(user) + "'><body>" + "x".repeat(16 * 1024) + "</body></message>");
            assertThat(closedWithError(client)).isEqualTo("policy-violation");
        }
    }

    @Test
    void aStanzaLargerThanTheLimitInFragmentsIsAPolicyViolation() throws Exception {
        try (WsClient client = connect()) {
            client.login(domain(), user, "secret", "fragments");
            client.sendFrame(new TextWebSocketFrame(false, 0, "<message xmlns='jabber:client'><body>" + "x".repeat(6 * 1024)));
            client.sendFrame(new ContinuationWebSocketFrame(true, 0, Unpooled.copiedBuffer("y".repeat(6 * 1024) + "</body></message>",
                    StandardCharsets.UTF_8)));
            assertThat(closedWithError(client)).isEqualTo("policy-violation");
        }
    }

    @Test
    void aStanzaInFragmentsOfOneMessageIsFine() throws Exception {
        try (WsClient client = connect()) {
            client.login(domain(), user, "secret", "fragmented");
            client.sendFrame(new TextWebSocketFrame(false, 0, "<iq xmlns='jabber:client' type='get' id='f1'>"));
            client.sendFrame(new ContinuationWebSocketFrame(true, 0, Unpooled.copiedBuffer("<ping xmlns='urn:xmpp:ping'/></iq>",
                    StandardCharsets.UTF_8)));
            assertThat(client.await("id=\"f1\"")).contains("type=\"result\"");
        }
    }

    @Test
    void aStanzaCutOverTwoMessagesIsNotWellFormed() throws Exception {
        try (WsClient client = connect()) {
            client.login(domain(), user, "secret", "cut");
            client.send("<message xmlns='jabber:client' to='" + env.jid(user) + "'><body>half");
            String seen = client.awaitClose();
            assertThat(condition(seen)).isEqualTo("not-well-formed");
            assertThat(seen).contains("one stanza per message");
        }
    }

    @Test
    void aBinaryMessageIsAnUnsupportedEncoding() throws Exception {
        try (WsClient client = connect()) {
            client.login(domain(), user, "secret", "binary");
            client.sendBinary("<presence xmlns='jabber:client'/>".getBytes(StandardCharsets.UTF_8));
            assertThat(closedWithError(client)).isEqualTo("unsupported-encoding");
        }
    }

    @Test
    void aSecondOpenInsideTheStreamIsAnError() throws Exception {
        try (WsClient client = connect()) {
            client.login(domain(), user, "secret", "reopen");
            client.send(WsClient.open(domain()));
            String seen = client.awaitClose();
            assertThat(condition(seen)).isEqualTo("not-well-formed");
            assertThat(seen).contains("while the stream was open");
        }
    }

    @Test
    void aMalformedJidGetsAJidMalformedErrorAndTheStreamGoesOn() throws Exception {
        try (WsClient client = connect()) {
            client.login(domain(), user, "secret", "jids");
            client.send("<message xmlns='jabber:client' to='a@b@c' id='m1'><body>hi</body></message>");
            assertThat(client.await("id=\"m1\"")).contains("type=\"error\"").contains("jid-malformed");
            client.send("<iq xmlns='jabber:client' type='get' id='p2' to='bad@@localhost'><ping xmlns='urn:xmpp:ping'/></iq>");
            assertThat(client.await("id=\"p2\"")).contains("jid-malformed");
            assertThat(client.isOpen()).isTrue();
        }
    }

    @Test
    void aForgedFromIsInvalidFrom() throws Exception {
        try (WsClient client = connect()) {
            client.login(domain(), user, "secret", "forger");
            client.send("<message xmlns='jabber:client' from='someone-else@localhost/x' to='" + env.jid(user) + "'><body>hi</body></message>");
            assertThat(closedWithError(client)).isEqualTo("invalid-from");
        }
    }

    @Test
    void aStanzaBeforeBindingIsNotAuthorized() throws Exception {
        try (WsClient client = connect()) {
            client.send(WsClient.open(domain()));
            client.await("<stream:features");
            client.authPlain(user, "secret");
            client.await("<success");
            client.send(WsClient.open(domain()));
            client.await("<stream:features");
            client.send("<message xmlns='jabber:client' to='" + env.jid(user) + "'><body>unbound</body></message>");
            assertThat(closedWithError(client)).isEqualTo("not-authorized");
        }
    }

    @Test
    void aThirdWrongPasswordClosesTheStream() throws Exception {
        try (WsClient client = connect()) {
            client.send(WsClient.open(domain()));
            client.await("<stream:features");
            for (int attempt = 1; attempt <= 2; attempt++) {
                client.authPlain(user, "wrong");
                assertThat(client.await("</failure>")).contains("<not-authorized/>");
            }
            client.authPlain(user, "wrong");
            String seen = client.awaitClose();
            assertThat(seen).contains("<not-authorized/>");
            assertThat(condition(seen)).isEqualTo("policy-violation");
        }
    }

    @Test
    void aStartTlsRequestIsRefused() throws Exception {
        try (WsClient client = connect()) {
            client.send(WsClient.open(domain()));
            client.await("<stream:features");
            client.send("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
            assertThat(client.awaitClose()).contains("<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
        }
    }

    @Test
    void idleConnectionsThatAnswerNoPingAreClosedAndBrowsersThatDoStay() throws Exception {
        try (NodeWithClients idle = new NodeWithClients(Map.of("xmpp.idleTimeout", "1s", "xmpp.sasl.plain.allowUnencrypted", "true"))) {
            String name = idle.newUser();
            try (WsClient deaf = WsClient.connect(idle.node.webSocketPort(), WsClient.options().answerPings(false));
                 WsClient browser = WsClient.connect(idle.node.webSocketPort())) {
                deaf.login(idle.node.xmppDomain(), name, "secret", "deaf");
                browser.login(idle.node.xmppDomain(), name, "secret", "browser");
                String seen = deaf.awaitClose();
                assertThat(condition(seen)).isEqualTo("connection-timeout");
                assertThat(deaf.pings()).as("the server pinged before it gave up").isGreaterThanOrEqualTo(1);
                // each answered ping restarts the idle clock: three pings in a row mean the server waited
                // well past the idle timeout for a client that says nothing but answers
                await().atMost(Duration.ofSeconds(30)).until(() -> browser.pings() >= 3);
                assertThat(browser.isOpen()).isTrue();
                browser.send("<iq xmlns='jabber:client' type='get' id='p3'><ping xmlns='urn:xmpp:ping'/></iq>");
                assertThat(browser.await("id=\"p3\"")).contains("type=\"result\"");
            }
        }
    }
}
