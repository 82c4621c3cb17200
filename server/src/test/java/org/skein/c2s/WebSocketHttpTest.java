package org.skein.c2s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xmpp.packet.JID;

/**
 * The HTTP side of the WebSocket ports on a real node: XEP-0156 host-meta over {@code http} and
 * {@code https} (what a web client that knows only the domain reads), the origin allowlist and the
 * subprotocol as a client's handshake sees them, connections that never upgrade, and the headers of a
 * trusted reverse proxy.
 */
class WebSocketHttpTest {

    static NodeWithClients env;

    @BeforeAll
    static void start() throws Exception {
        env = new NodeWithClients(Map.of("xmpp.sasl.plain.allowUnencrypted", "true",
                "xmpp.websocket.origins", "https://chat.example.org,http://localhost:8080",
                "xmpp.websocket.handshakeTimeout", "1s"));
    }

    @AfterAll
    static void stop() throws Exception {
        env.close();
    }

    private static HttpClient client(boolean tls) throws Exception {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
        if (tls) {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("node", env.node.tlsCertificate());
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            builder.sslContext(context);
        }
        return builder.build();
    }

    @Test
    void hostMetaOverHttpsPointsAtTheSecureEndpoint() throws Exception {
        int port = env.node.webSocketTlsPort();
        HttpResponse<String> xml = client(true).send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/.well-known/host-meta"))
                .header("Accept", "application/xrd+xml, text/xml").header("Origin", "https://anywhere.example").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(xml.statusCode()).isEqualTo(200);
        assertThat(xml.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
        assertThat(xml.body()).contains("rel='urn:xmpp:alt-connections:websocket' href='wss://localhost:" + port + "/xmpp-websocket'");

        HttpResponse<String> json = client(true).send(HttpRequest.newBuilder(
                URI.create("https://localhost:" + port + "/.well-known/host-meta.json")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(json.body()).contains("\"href\":\"wss://localhost:" + port + "/xmpp-websocket\"");
    }

    @Test
    void hostMetaOverHttpPointsAtThePlainEndpoint() throws Exception {
        int port = env.node.webSocketPort();
        HttpResponse<String> xml = client(false).send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/.well-known/host-meta"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(xml.body()).contains("href='ws://127.0.0.1:" + port + "/xmpp-websocket'");
        HttpResponse<String> other = client(false).send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(other.statusCode()).isEqualTo(404);
    }

    @Test
    void aPageFromAnOriginNotAllowedCannotConnectAndAnAllowedOneCan() throws Exception {
        assertThatThrownBy(() -> WsClient.connect(env.node.webSocketPort(), WsClient.options().origin("https://evil.example")))
                .isInstanceOf(WebSocketClientHandshakeException.class).hasMessageContaining("403");
        try (WsClient allowed = WsClient.connect(env.node.webSocketPort(), WsClient.options().origin("http://localhost:8080"))) {
            allowed.send(WsClient.open(env.node.xmppDomain()));
            assertThat(allowed.await("<stream:features")).contains("SCRAM-SHA-1");
        }
    }

    @Test
    void aClientThatDoesNotAskForTheXmppSubprotocolIsRefused() {
        assertThatThrownBy(() -> WsClient.connect(env.node.webSocketPort(), WsClient.options().subprotocol(null)))
                .isInstanceOf(WebSocketClientHandshakeException.class).hasMessageContaining("400");
        assertThatThrownBy(() -> WsClient.connect(env.node.webSocketPort(), WsClient.options().path("/ws")))
                .isInstanceOf(WebSocketClientHandshakeException.class).hasMessageContaining("404");
    }

    @Test
    void aConnectionThatNeverUpgradesIsClosed() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), env.node.webSocketPort())) {
            socket.setSoTimeout(15_000);
            InputStream in = socket.getInputStream();
            // nothing sent: the handshake timeout (1 s here) closes the connection
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void aTrustedProxyTellsTheClientsAddressAndThatItSpokeTls() throws Exception {
        try (NodeWithClients proxied = new NodeWithClients(Map.of("xmpp.websocket.trustProxyHeaders", "true"))) {
            String user = proxied.newUser();
            try (WsClient client = WsClient.connect(proxied.node.webSocketPort(),
                    WsClient.options().header("X-Forwarded-For", "198.51.100.23").header("X-Forwarded-Proto", "https"))) {
                client.login(proxied.node.xmppDomain(), user, "secret", "proxied"); // PLAIN: offered as the proxy spoke TLS
                JID jid = new JID(user + "@" + proxied.node.xmppDomain() + "/proxied");
                await().atMost(Duration.ofSeconds(10)).until(() -> proxied.node.sessionManager().getSessionInfo(jid) != null);
                assertThat(proxied.node.sessionManager().getSessionInfo(jid).clientAddress()).contains("198.51.100.23");
            }
        }
    }

    @Test
    void connectionLimitsCountTheForwardedClientBehindATrustedProxy() throws Exception {
        try (NodeWithClients proxied = new NodeWithClients(Map.of("xmpp.websocket.trustProxyHeaders", "true",
                "xmpp.c2s.maxConnectionsPerAddress", "1"))) {
            int port = proxied.node.webSocketPort();
            try (WsClient first = WsClient.connect(port, WsClient.options().header("X-Forwarded-For", "198.51.100.23"));
                 WsClient other = WsClient.connect(port, WsClient.options().header("X-Forwarded-For", "198.51.100.24"));
                 WsClient second = WsClient.connect(port, WsClient.options().header("X-Forwarded-For", "198.51.100.23"))) {
                // all three come from the proxy's socket address; only the second one of 198.51.100.23 is over the limit
                assertThat(second.awaitClose()).contains("policy-violation");
                for (WsClient admitted : new WsClient[] {first, other}) {
                    admitted.send(WsClient.open(proxied.node.xmppDomain()));
                    admitted.await("<mechanisms");
                    assertThat(admitted.isOpen()).isTrue();
                }
            }
        }
    }
}
