package org.skein.hazelcast.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.jivesoftware.smack.ConnectionConfiguration.SecurityMode;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.jivesoftware.smackx.csi.ClientStateIndicationManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jxmpp.jid.impl.JidCreate;
import org.skein.XmppServer;
import org.skein.c2s.ImScenarios;
import org.skein.roster.RosterItem;
import org.skein.roster.Subscription;
import org.skein.session.LocalClientSession;
import org.xmpp.packet.JID;

/**
 * Stream management (XEP-0198) resumption on another node of a cluster of real Hazelcast members, with real
 * Smack clients behind a TCP front (as behind a load balancer): a phone's connection to node one drops, and it
 * comes back through node two while node one still runs. The session moves: every message sent to it before,
 * while it was away and while it moved arrives once (those sent before the move in order), its contacts never see
 * it go away, and the route names node two.
 */
class ResumeAcrossNodesIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path dir;

    private static HazelcastNodes nodes;
    private static XmppServer one;
    private static XmppServer two;
    private static XmppServer three;
    private final List<XMPPTCPConnection> clients = new ArrayList<>();
    private TcpFront front;

    @BeforeAll
    static void startCluster() {
        nodes = new HazelcastNodes(dir, "one", "two", "three");
        Map<String, String> config = Map.of("db.url", "jdbc:h2:mem:resume-" + UUID.randomUUID(), "xmpp.sasl.failureDelay", "20ms");
        one = nodes.start("one", config);
        two = nodes.start("two", config);
        three = nodes.start("three", config);
        await().atMost(Duration.ofSeconds(60)).until(() -> one.clusterManager().getNodesInfo().size() == 3);
    }

    @AfterEach
    void disconnect() throws Exception {
        for (XMPPTCPConnection client : clients) {
            if (client.isConnected()) {
                client.disconnect();
            }
        }
        if (front != null) {
            front.close();
        }
    }

    @AfterAll
    static void stopCluster() throws Exception {
        nodes.close();
    }

    @Test
    void aSessionResumedOnAnotherNodeMovesThereWithEverythingSentToIt() throws Exception {
        String alice = ImScenarios.newUser(one);
        String bob = ImScenarios.newUser(one);
        befriend(one, alice, bob);
        front = new TcpFront(one.c2sPort());
        XMPPTCPConnection aliceClient = client(front.port(), alice, "phone");
        List<Message> aliceInbox = messages(aliceClient);
        aliceClient.connect().login();
        XMPPTCPConnection bobClient = client(three.c2sPort(), bob, "desk");
        List<Presence> bobPresences = new CopyOnWriteArrayList<>();
        bobClient.addSyncStanzaListener(s -> bobPresences.add((Presence) s), StanzaTypeFilter.PRESENCE);
        bobClient.connect().login();
        JID aliceJid = new JID(aliceClient.getUser().toString());
        assertThat(aliceClient.isSmResumptionPossible()).isTrue();
        await().atMost(WAIT).until(() -> three.routingTable().clientRoute(aliceJid) != null
                && three.routingTable().clientRoute(aliceJid).available());
        LocalClientSession onOne = one.routingTable().localSession(aliceJid);

        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            expected.add(send(bobClient, aliceJid, "before " + i));
        }
        await().atMost(WAIT).until(() -> aliceInbox.size() == 5);
        // the phone goes to the background (XEP-0352): the session stays inactive when it moves
        ClientStateIndicationManager.inactive(aliceClient);
        await().atMost(WAIT).until(onOne::isInactive);

        aliceClient.instantShutdown();
        await().atMost(WAIT).until(onOne::isDetached);
        for (int i = 0; i < 20; i++) {
            expected.add(send(bobClient, aliceJid, "away " + i));
        }
        await().atMost(WAIT).until(() -> onOne.unacknowledgedCount() >= 20);

        // alice comes back through node two while bob goes on sending
        front.pointAt(two.c2sPort());
        ExecutorService sender = Executors.newSingleThreadExecutor();
        try {
            Future<List<String>> during = sender.submit(() -> {
                List<String> sent = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    sent.add(send(bobClient, aliceJid, "during " + i));
                }
                return sent;
            });
            aliceClient.connect().login();
            expected.addAll(during.get());
        } finally {
            sender.shutdownNow();
        }
        assertThat(aliceClient.streamWasResumed()).isTrue();
        expected.add(send(bobClient, aliceJid, "after"));

        await().atMost(WAIT).untilAsserted(() -> assertThat(bodies(aliceInbox)).containsExactlyInAnyOrderElementsOf(expected));
        // what was sent before and while she was away comes first and in order; of the messages sent while the session
        // moved, one that took the old route to node one (passed on from there) may come after a later one that took
        // the new route straight to node two: a known gap, see SessionResumption
        assertThat(bodies(aliceInbox).subList(0, 25)).as("sent before the move, in order").containsExactlyElementsOf(expected.subList(0, 25));
        assertThat(bodies(aliceInbox)).as("every message once").doesNotHaveDuplicates();
        LocalClientSession onTwo = two.routingTable().localSession(aliceJid);
        assertThat(onTwo).isNotNull();
        assertThat(onTwo.isStreamManagementEnabled()).isTrue();
        assertThat(onTwo.isInactive()).as("the client state (XEP-0352) moved with the session").isTrue();
        assertThat(onOne.hasMoved()).isTrue();
        await().atMost(WAIT).until(() -> three.routingTable().clientRoute(aliceJid).node().equals(two.nodeId()));
        assertThat(one.offlineMessageManager().count(alice)).isZero();
        assertThat(bobPresences).noneMatch(p -> p.getFrom().toString().equals(aliceJid.toString()) && p.getType() == Presence.Type.unavailable);

        // the moved session works both ways, and can move again (back to node one)
        List<Message> bobInbox = messages(bobClient);
        aliceClient.sendStanza(aliceClient.getStanzaFactory().buildMessageStanza().to(JidCreate.from(bob + "@" + one.xmppDomain()))
                .ofType(Message.Type.chat).setBody("hello from two").build());
        await().atMost(WAIT).until(() -> bodies(bobInbox).contains("hello from two"));
        await().atMost(WAIT).until(() -> onTwo.unacknowledgedCount() == 0);
        aliceClient.instantShutdown();
        await().atMost(WAIT).until(onTwo::isDetached);
        expected.add(send(bobClient, aliceJid, "while away again"));
        front.pointAt(one.c2sPort());
        aliceClient.connect().login();
        assertThat(aliceClient.streamWasResumed()).isTrue();
        await().atMost(WAIT).untilAsserted(() -> assertThat(bodies(aliceInbox)).containsExactlyInAnyOrderElementsOf(expected));
        assertThat(bodies(aliceInbox).get(bodies(aliceInbox).size() - 1)).isEqualTo("while away again");
        assertThat(one.routingTable().localSession(aliceJid)).isNotSameAs(onOne);
    }

    private static void befriend(XmppServer node, String a, String b) {
        String domain = node.xmppDomain();
        node.rosterManager().update(a, b + "@" + domain, item -> new RosterItem(b + "@" + domain, b, Set.of(), Subscription.BOTH, false, false));
        node.rosterManager().update(b, a + "@" + domain, item -> new RosterItem(a + "@" + domain, a, Set.of(), Subscription.BOTH, false, false));
    }

    private static String send(XMPPTCPConnection from, JID to, String body) throws Exception {
        from.sendStanza(from.getStanzaFactory().buildMessageStanza().to(JidCreate.from(to.toString())).ofType(Message.Type.chat)
                .setBody(body).build());
        return body;
    }

    private static List<Message> messages(XMPPTCPConnection client) {
        List<Message> inbox = new CopyOnWriteArrayList<>();
        client.addSyncStanzaListener(s -> inbox.add((Message) s), StanzaTypeFilter.MESSAGE);
        return inbox;
    }

    private static List<String> bodies(List<Message> inbox) {
        return inbox.stream().map(Message::getBody).filter(b -> b != null).toList();
    }

    /** A client with stream management and resumption, trusting every node's certificate. */
    private XMPPTCPConnection client(int port, String user, String resource) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        store.setCertificateEntry("one", one.tlsCertificate());
        store.setCertificateEntry("two", two.tlsCertificate());
        store.setCertificateEntry("three", three.tlsCertificate());
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        XMPPTCPConnection connection = new XMPPTCPConnection(XMPPTCPConnectionConfiguration.builder()
                .setXmppDomain(one.xmppDomain())
                .setHostAddress(InetAddress.getLoopbackAddress())
                .setPort(port)
                .setSecurityMode(SecurityMode.required)
                .setCustomX509TrustManager((X509TrustManager) factory.getTrustManagers()[0])
                .addEnabledSaslMechanism("SCRAM-SHA-1")
                .setUsernameAndPassword(user, "secret")
                .setResource(resource)
                .setConnectTimeout(10_000)
                .build());
        connection.setReplyTimeout(10_000);
        connection.setUseStreamManagement(true);
        connection.setUseStreamManagementResumption(true);
        clients.add(connection);
        return connection;
    }
}
