package org.skein.c2s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.StringReader;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import org.jivesoftware.smack.chat2.ChatManager;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;
import org.skein.session.SessionInfo;
import org.w3c.dom.Element;
import org.xml.sax.InputSource;
import org.xmpp.packet.JID;

/**
 * XMPP over WebSocket (RFC 7395) against a real node, as a web client sees it: the framing of the
 * stream (each message a standalone XML document, {@code <open/>} and {@code <close/>}, namespaces
 * declared), the same negotiation as on TCP without STARTTLS, TLS under the WebSocket on the wss port,
 * and stanzas with a TCP client on the same node, both ways.
 */
class WebSocketStreamTest {

    static NodeWithClients env;
    static String alice;
    static String bob;

    @BeforeAll
    static void start() throws Exception {
        env = new NodeWithClients(Map.of("xmpp.sasl.plain.allowUnencrypted", "true"));
        alice = env.newUser();
        bob = env.newUser();
    }

    @AfterAll
    static void stop() throws Exception {
        env.close();
    }

    private static String domain() {
        return env.node.xmppDomain();
    }

    /** Parses one message as a standalone XML document, as a browser's DOMParser would. */
    private static Element document(String message) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(new InputSource(new StringReader(message))).getDocumentElement();
    }

    @Test
    void theStreamIsFramedOneStandaloneDocumentPerMessage() throws Exception {
        try (WsClient client = WsClient.connect(env.node.webSocketPort())) {
            client.send(WsClient.open(domain()));
            Element open = document(client.next());
            assertThat(open.getLocalName()).isEqualTo("open");
            assertThat(open.getNamespaceURI()).isEqualTo(WsClient.FRAMING);
            assertThat(open.getAttribute("from")).isEqualTo(domain());
            assertThat(open.getAttribute("version")).isEqualTo("1.0");
            assertThat(open.getAttribute("id")).isNotEmpty();

            String featuresXml = client.next();
            Element features = document(featuresXml);
            assertThat(features.getLocalName()).isEqualTo("features");
            assertThat(features.getNamespaceURI()).isEqualTo("http://etherx.jabber.org/streams");
            assertThat(featuresXml).as("no STARTTLS over WebSocket (RFC 7395 3.9)").doesNotContain("starttls")
                    .contains("<mechanism>SCRAM-SHA-256</mechanism>").contains("<mechanism>SCRAM-SHA-1</mechanism>");

            client.authPlain(alice, "secret");
            assertThat(document(client.next()).getLocalName()).isEqualTo("success");
            client.send(WsClient.open(domain()));
            assertThat(document(client.next()).getLocalName()).isEqualTo("open");
            assertThat(client.next()).contains("urn:ietf:params:xml:ns:xmpp-bind");

            client.send("<iq xmlns='jabber:client' type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                    + "<resource>web</resource></bind></iq>");
            Element bound = document(client.next());
            assertThat(bound.getLocalName()).isEqualTo("iq");
            assertThat(bound.getNamespaceURI()).as("a stanza declares jabber:client itself").isEqualTo("jabber:client");
            assertThat(bound.getTextContent()).isEqualTo(alice + "@" + domain() + "/web");

            client.send("<iq xmlns='jabber:client' type='get' id='p1'><ping xmlns='urn:xmpp:ping'/></iq>");
            Element pong = document(client.next());
            assertThat(pong.getNamespaceURI()).isEqualTo("jabber:client");
            assertThat(pong.getAttribute("type")).isEqualTo("result");

            client.send(WsClient.closeElement());
            String seen = client.awaitClose();
            Element close = document(seen.substring(seen.lastIndexOf('\n') + 1));
            assertThat(close.getLocalName()).isEqualTo("close");
            assertThat(close.getNamespaceURI()).isEqualTo(WsClient.FRAMING);
            assertThat(client.closeCode()).as("a WebSocket close frame, normal closure").isEqualTo(1000);
        }
    }

    @Test
    void aWebSocketClientAndATcpClientExchangeMessagesBothWays() throws Exception {
        XMPPTCPConnection tcp = env.clients.login(bob, "secret", "desk");
        BlockingQueue<Message> atBob = new LinkedBlockingQueue<>();
        ChatManager.getInstanceFor(tcp).addIncomingListener((from, message, chat) -> atBob.add(message));
        try (WsClient web = WsClient.connect(env.node.webSocketPort())) {
            web.login(domain(), alice, "secret", "browser");
            web.send("<presence xmlns='jabber:client'/>");
            web.send("<message xmlns='jabber:client' to='" + bob + "@" + domain() + "/desk' type='chat' id='m1'>"
                    + "<body>hello from the web</body></message>");
            Message got = atBob.poll(10, TimeUnit.SECONDS);
            assertThat(got).isNotNull();
            assertThat(got.getBody()).isEqualTo("hello from the web");
            assertThat(got.getFrom().toString()).isEqualTo(alice + "@" + domain() + "/browser");

            ChatManager.getInstanceFor(tcp).chatWith(JidCreate.entityBareFrom(alice + "@" + domain()))
                    .send("hello from TCP");
            String delivered = web.await("hello from TCP");
            Element message = document(delivered);
            assertThat(message.getNamespaceURI()).isEqualTo("jabber:client");
            assertThat(message.getAttribute("from")).isEqualTo(bob + "@" + domain() + "/desk");
        }
    }

    @Test
    void theSessionIsListedWithItsTransport() throws Exception {
        try (WsClient web = WsClient.connect(env.node.webSocketPort())) {
            web.login(domain(), alice, "secret", "listed");
            JID jid = new JID(alice + "@" + domain() + "/listed");
            await().atMost(Duration.ofSeconds(10)).until(() -> env.node.sessionManager().getSessionInfo(jid) != null);
            SessionInfo info = env.node.sessionManager().getSessionInfo(jid);
            assertThat(info.transport()).isEqualTo("websocket");
            assertThat(info.clientAddress()).contains("127.0.0.1");
        }
    }

    @Test
    void overTlsTheConnectionCountsAsEncryptedSoPlainIsOfferedWithoutTheDemoSwitch() throws Exception {
        try (NodeWithClients strict = new NodeWithClients(Map.of())) {
            String user = strict.newUser();
            try (WsClient plain = WsClient.connect(strict.node.webSocketPort())) {
                plain.send(WsClient.open(strict.node.xmppDomain()));
                assertThat(plain.await("<stream:features")).doesNotContain("PLAIN");
            }
            try (WsClient secure = WsClient.connect(strict.node.webSocketTlsPort(),
                    WsClient.options().tls(strict.node.tlsCertificate()))) {
                secure.login(strict.node.xmppDomain(), user, "secret", "tls");
                assertThat(secure.received().get(1)).contains("<mechanism>PLAIN</mechanism>").doesNotContain("starttls");
                secure.send("<iq xmlns='jabber:client' type='get' id='p2'><ping xmlns='urn:xmpp:ping'/></iq>");
                assertThat(secure.await("id=\"p2\"")).contains("type=\"result\"");
            }
        }
    }
}
