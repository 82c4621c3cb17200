package org.skein.hazelcast.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.skein.XmppServer;
import org.skein.c2s.WsClient;
import org.skein.roster.RosterItem;
import org.skein.roster.Subscription;
import org.skein.session.ClientSession;
import org.skein.session.SessionInfo;
import org.xmpp.packet.JID;
import org.xmpp.packet.StreamError;

/**
 * WebSocket sessions as full citizens of a cluster of two in-JVM nodes with real Hazelcast members:
 * users on different nodes see each other's presence and exchange messages, a session is closed from
 * the other node, a load balancer (Debian's HAProxy, with the configuration of the operations guide)
 * spreads web clients over both nodes and everything works through it, and a node that dies takes its
 * WebSocket sessions with it (the survivor removes them and tells their contacts).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebSocketClusterIT {

    private static final String DOMAIN = "localhost";

    @TempDir
    static Path dir;

    private HazelcastNodes nodes;
    private XmppServer one;
    private XmppServer two;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        nodes = new HazelcastNodes(dir, "one", "two");
        // one database for both nodes, as in a real cluster; proxy headers believed, as the guide says behind a proxy
        Map<String, String> config = Map.of("db.url", "jdbc:h2:file:" + dir.resolve("db").resolve("skein"),
                "xmpp.websocket.trustProxyHeaders", "true", "xmpp.sasl.plain.allowUnencrypted", "true");
        one = nodes.start("one", config);
        two = nodes.start("two", config);
        await().atMost(Duration.ofSeconds(60)).until(() -> one.clusterManager().getNodesInfo().size() == 2
                && two.clusterManager().getNodesInfo().size() == 2);
        for (String user : List.of("alice", "bob", "carol", "dave")) {
            one.userManager().createUser(user, user + "'s secret", "", "");
        }
        befriend("alice", "bob");
        befriend("bob", "alice");
        befriend("carol", "dave");
        befriend("dave", "carol");
    }

    @AfterAll
    void stop() throws Exception {
        try {
            for (AutoCloseable closeable : toClose) {
                closeable.close();
            }
        } finally {
            nodes.close();
        }
    }

    private void befriend(String user, String contact) {
        one.rosterManager().update(user, contact + "@" + DOMAIN,
                item -> new RosterItem(contact + "@" + DOMAIN, contact, Set.of(), Subscription.BOTH, false, false));
    }

    private WsClient client(int port, WsClient.Options options) throws Exception {
        WsClient client = WsClient.connect(port, options);
        toClose.add(client);
        return client;
    }

    private static String message(String to, String id, String body) {
        return "<message xmlns='jabber:client' type='chat' to='" + to + "' id='" + id + "'><body>" + body + "</body></message>";
    }

    private static SessionInfo awaitSession(XmppServer node, String fullJid) {
        JID jid = new JID(fullJid);
        await().atMost(Duration.ofSeconds(30)).until(() -> node.sessionManager().getSessionInfo(jid) != null);
        return node.sessionManager().getSessionInfo(jid);
    }

    @Test
    @Order(1)
    void webClientsOnDifferentNodesSeeEachOtherAndExchangeMessages() throws Exception {
        WsClient alice = client(one.webSocketPort(), WsClient.options());
        alice.login(DOMAIN, "alice", "alice's secret", "web");
        alice.send("<presence xmlns='jabber:client'/>");
        WsClient bob = client(two.webSocketPort(), WsClient.options());
        bob.login(DOMAIN, "bob", "bob's secret", "web");
        bob.send("<presence xmlns='jabber:client'><status>on node two</status></presence>");

        assertThat(alice.await("from=\"bob@localhost/web\"")).contains("<status>on node two</status>");
        bob.await("from=\"alice@localhost/web\"");
        alice.send(message("bob@localhost/web", "a1", "over WebSocket from node one"));
        assertThat(bob.await("over WebSocket from node one")).contains("from=\"alice@localhost/web\"").contains("xmlns=\"jabber:client\"");
        bob.send(message("alice@localhost", "b1", "and back from node two"));
        assertThat(alice.await("and back from node two")).contains("from=\"bob@localhost/web\"");

        // each node lists both, with where they are and how they are connected
        for (XmppServer node : List.of(one, two)) {
            assertThat(awaitSession(node, "alice@localhost/web")).extracting(SessionInfo::transport, i -> i.node().value())
                    .containsExactly("websocket", "one");
            assertThat(awaitSession(node, "bob@localhost/web")).extracting(SessionInfo::transport, i -> i.node().value())
                    .containsExactly("websocket", "two");
        }
    }

    @Test
    @Order(2)
    void aWebSocketSessionIsClosedFromTheOtherNode() throws Exception {
        WsClient alice = client(one.webSocketPort(), WsClient.options());
        alice.login(DOMAIN, "alice", "alice's secret", "watching");
        alice.send("<presence xmlns='jabber:client'/>");
        WsClient bob = client(two.webSocketPort(), WsClient.options());
        bob.login(DOMAIN, "bob", "bob's secret", "closing");
        bob.send("<presence xmlns='jabber:client'/>");
        alice.await("from=\"bob@localhost/closing\"");

        ClientSession remote = one.sessionManager().getSession(new JID("bob@localhost/closing"));
        assertThat(remote).as("node one finds bob's session on node two").isNotNull();
        assertThat(remote.node().value()).isEqualTo("two");
        remote.close(StreamError.Condition.policy_violation, "Closed by an administrator");

        String seen = bob.awaitClose();
        assertThat(seen).contains("<policy-violation xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>").contains("Closed by an administrator")
                .endsWith("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
        assertThat(alice.awaitAll("from=\"bob@localhost/closing\"", "type=\"unavailable\"")).isNotEmpty();
        await().atMost(Duration.ofSeconds(30)).until(() -> one.sessionManager().getSessionInfo(new JID("bob@localhost/closing")) == null);
    }

    @Test
    @Order(3)
    void aLoadBalancerSpreadsWebClientsOverTheNodesAndEverythingWorksThroughIt() throws Exception {
        HaproxyFront proxy = new HaproxyFront(dir.resolve("haproxy"), HazelcastNodes.freePort(),
                List.of(one.webSocketPort(), two.webSocketPort()));
        toClose.add(proxy);
        proxy.awaitListening(Duration.ofSeconds(30));

        // discovery through the proxy names the proxy's address
        HttpResponse<String> hostMeta = https(proxy).send(HttpRequest.newBuilder(
                URI.create("https://localhost:" + proxy.port() + "/.well-known/host-meta")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(hostMeta.statusCode()).as("host-meta through haproxy; its log:%n%s", proxy.log()).isEqualTo(200);
        assertThat(hostMeta.body()).contains("href='wss://localhost:" + proxy.port() + "/xmpp-websocket'");

        // a client that claims another address: the proxy adds what it saw, and that is what the node believes
        WsClient.Options throughProxy = WsClient.options().tls(proxy.certificate(), "localhost").header("X-Forwarded-For", "203.0.113.5");
        WsClient carol = client(proxy.port(), throughProxy);
        carol.send(WsClient.open(DOMAIN));
        assertThat(carol.await("<stream:features")).as("the proxy spoke TLS: PLAIN is offered on the node's plain port")
                .contains("<mechanism>PLAIN</mechanism>");
        carol.close();
        carol = client(proxy.port(), throughProxy);
        carol.login(DOMAIN, "carol", "carol's secret", "proxied");
        carol.send("<presence xmlns='jabber:client'/>");
        WsClient dave = client(proxy.port(), throughProxy);
        dave.login(DOMAIN, "dave", "dave's secret", "proxied");
        dave.send("<presence xmlns='jabber:client'/>");

        String carolsNode = awaitSession(one, "carol@localhost/proxied").node().value();
        String davesNode = awaitSession(one, "dave@localhost/proxied").node().value();
        assertThat(Set.of(carolsNode, davesNode)).as("leastconn puts the two on different nodes").containsExactlyInAnyOrder("one", "two");
        assertThat(awaitSession(two, "carol@localhost/proxied").clientAddress()).as("the address the proxy saw, not the one claimed")
                .contains("127.0.0.1").doesNotContain("203.0.113.5");

        carol.await("from=\"dave@localhost/proxied\"");
        dave.await("from=\"carol@localhost/proxied\"");
        carol.send(message("dave@localhost/proxied", "c1", "through the proxy, node " + carolsNode));
        assertThat(dave.await("through the proxy, node " + carolsNode)).contains("from=\"carol@localhost/proxied\"");
        dave.send(message("carol@localhost/proxied", "d1", "back through the proxy, node " + davesNode));
        assertThat(carol.await("back through the proxy, node " + davesNode)).contains("from=\"dave@localhost/proxied\"");
    }

    @Test
    @Order(4)
    void aNodeThatDiesTakesItsWebSocketSessionsWithIt() throws Exception {
        WsClient alice = client(one.webSocketPort(), WsClient.options());
        alice.login(DOMAIN, "alice", "alice's secret", "survivor");
        alice.send("<presence xmlns='jabber:client'/>");
        WsClient bob = client(two.webSocketPort(), WsClient.options());
        bob.login(DOMAIN, "bob", "bob's secret", "doomed");
        bob.send("<presence xmlns='jabber:client'/>");
        alice.await("from=\"bob@localhost/doomed\"");
        awaitSession(one, "bob@localhost/doomed");

        HazelcastNodes.terminateMember(two);

        assertThat(alice.awaitAll("from=\"bob@localhost/doomed\"", "type=\"unavailable\"")).isNotEmpty();
        await().atMost(Duration.ofSeconds(60)).until(() -> one.sessionManager().getSessionInfo(new JID("bob@localhost/doomed")) == null);
        assertThat(one.sessionManager().allSessionInfos().values()).allMatch(info -> info.node().value().equals("one"));
        nodes.stop("two");
        two = null;
    }

    private static HttpClient https(HaproxyFront proxy) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("proxy", proxy.certificate());
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(10)).build();
    }

}
