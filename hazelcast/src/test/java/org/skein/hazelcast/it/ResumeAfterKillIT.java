package org.skein.hazelcast.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.jxmpp.jid.impl.JidCreate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stream management (XEP-0198) after the node that held a session was killed ({@code kill -9}), on two node JVMs
 * with real Smack clients behind a TCP front (as behind a load balancer). The front holds back what node one sends
 * to the phone, so the phone acknowledges none of it; then node one is killed. The stanzas the server had accepted
 * survive in the cluster's stream management journal ({@code org.skein.session.SessionJournal}):
 * <ul>
 *   <li>the phone resumes through node two and gets every message once, in order;</li>
 *   <li>a phone that does not come back within its resumption timeout finds the messages in offline storage at its
 *       next login, in order.</li>
 * </ul>
 * Each case logs a line starting with {@code CRASH} with the times from the kill to the member's removal and to
 * {@code <resumed/>}. Node logs of the last run are kept in {@code target/resume-after-kill-logs/}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ResumeAfterKillIT {

    private static final Logger LOG = LoggerFactory.getLogger(ResumeAfterKillIT.class);
    private static final String DOMAIN = ProcessCluster.DOMAIN;
    /** A start bound, not a product figure: on a machine shared by many builds JVMs and members start slowly. */
    private static final Duration START_BOUND = Duration.ofMinutes(5);
    /** Failure detection on the plugin's defaults, on a loaded machine. */
    private static final Duration CLUSTER_BOUND = Duration.ofMinutes(2);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int MESSAGES = 20;

    @TempDir
    static Path dir;

    private static ProcessCluster cluster;
    private static XmppClients clients;
    private TcpFront front;

    @BeforeAll
    static void startTwoNodes() throws Exception {
        cluster = new ProcessCluster(dir, Path.of("target", "resume-after-kill-logs"), List.of("node1", "node2"), """
                xmpp.sm.resumeTimeout=15s
                xmpp.sm.journal=true
                """);
        cluster.createUsers("alice", "bob", "carl", "dave");
        cluster.start("node1", "node2");
        cluster.awaitMembers(START_BOUND, "node1", "node2");
        clients = new XmppClients(DOMAIN, cluster.certificate());
    }

    @AfterEach
    void closeFront() throws Exception {
        if (front != null) {
            front.close();
        }
    }

    @AfterAll
    static void stopNodes() throws Exception {
        try {
            if (cluster != null) {
                cluster.close();
            }
        } finally {
            if (clients != null) {
                clients.close();
            }
        }
    }

    @Test
    @Order(1)
    void aPhoneResumesOnAnotherNodeAfterItsNodeWasKilledAndGetsEveryMessageOnceInOrder() throws Exception {
        front = new TcpFront(cluster.c2sPort("node1"));
        XMPPTCPConnection alice = resumable(clients.client(front.port(), "alice", "alice", "phone"));
        List<String> inbox = inbox(alice);
        alice.connect().login();
        XMPPTCPConnection bob = clients.login(cluster.c2sPort("node2"), "bob", "bob", "desk");
        String aliceJid = alice.getUser().toString();
        awaitRoute("node2", aliceJid, "node1");

        List<String> expected = new ArrayList<>();
        expected.add(send(bob, aliceJid, "before the hold"));
        await().atMost(WAIT).until(() -> inbox.equals(expected));
        awaitJournalEntries(0); // she acknowledged it

        front.holdToClients();
        for (int i = 0; i < MESSAGES; i++) {
            expected.add(send(bob, aliceJid, "unacknowledged " + i));
        }
        // the server accepted them: node one wrote them to alice's connection and to the journal
        awaitJournalEntries(MESSAGES);

        long killed = System.nanoTime();
        cluster.node("node1").kill();
        cluster.awaitMembers(CLUSTER_BOUND, "node2");
        long removed = System.nanoTime();

        alice.instantShutdown();
        front.release();
        front.pointAt(cluster.c2sPort("node2"));
        alice.connect().login();
        long resumed = System.nanoTime();
        assertThat(alice.streamWasResumed()).as("the stream was resumed on node two").isTrue();

        await().atMost(WAIT).untilAsserted(() -> assertThat(inbox).containsExactlyElementsOf(expected));
        assertThat(offlineCount("alice")).isZero();
        // the resumed session lives on node two: it works both ways
        List<String> bobInbox = inbox(bob);
        alice.sendStanza(alice.getStanzaFactory().buildMessageStanza().to(JidCreate.from(bob.getUser()))
                .ofType(Message.Type.chat).setBody("back").build());
        await().atMost(WAIT).until(() -> bobInbox.contains("back"));
        expected.add(send(bob, aliceJid, "after the resume"));
        await().atMost(WAIT).untilAsserted(() -> assertThat(inbox).containsExactlyElementsOf(expected));
        LOG.info("CRASH resume: {} unacknowledged messages; kill -> member removed {} ms; removed -> <resumed/> {} ms; kill -> <resumed/> {} ms",
                MESSAGES, millis(killed, removed), millis(removed, resumed), millis(killed, resumed));
        alice.disconnect();
        bob.disconnect();
    }

    @Test
    @Order(2)
    void messagesOfAPhoneThatDoesNotResumeInTimeAreOfflineAtItsNextLoginInOrder() throws Exception {
        cluster.start("node1");
        cluster.awaitMembers(START_BOUND, "node1", "node2");
        front = new TcpFront(cluster.c2sPort("node1"));
        XMPPTCPConnection carl = resumable(clients.client(front.port(), "carl", "carl", "phone"));
        carl.connect().login();
        XMPPTCPConnection dave = clients.login(cluster.c2sPort("node2"), "dave", "dave", "desk");
        String carlJid = carl.getUser().toString();
        awaitRoute("node2", carlJid, "node1");
        awaitJournalEntries(0);

        front.holdToClients();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < MESSAGES; i++) {
            expected.add(send(dave, carlJid, "never acknowledged " + i));
        }
        awaitJournalEntries(MESSAGES);
        long killed = System.nanoTime();
        cluster.node("node1").kill();
        carl.instantShutdown(); // the phone does not come back
        cluster.awaitMembers(CLUSTER_BOUND, "node2");

        // after the session's resumption timeout (15 s) the senior puts them in offline storage
        await().atMost(CLUSTER_BOUND).until(() -> offlineCount("carl") == MESSAGES);
        long stored = System.nanoTime();
        awaitJournalEntries(0);
        XMPPTCPConnection carlAgain = clients.client(cluster.c2sPort("node2"), "carl", "carl", "laptop");
        List<String> inbox = inbox(carlAgain);
        carlAgain.connect().login();
        await().atMost(WAIT).untilAsserted(() -> assertThat(inbox).containsExactlyElementsOf(expected));
        LOG.info("CRASH offline: {} unacknowledged messages; kill -> in offline storage {} ms (resumption timeout 15 s)",
                MESSAGES, millis(killed, stored));
        carlAgain.disconnect();
        dave.disconnect();
    }

    private static XMPPTCPConnection resumable(XMPPTCPConnection connection) {
        connection.setUseStreamManagement(true);
        connection.setUseStreamManagementResumption(true);
        return connection;
    }

    private static List<String> inbox(XMPPTCPConnection client) {
        List<String> bodies = new CopyOnWriteArrayList<>();
        client.addSyncStanzaListener(s -> {
            String body = ((Message) s).getBody();
            if (body != null) {
                bodies.add(body);
            }
        }, StanzaTypeFilter.MESSAGE);
        return bodies;
    }

    private static String send(XMPPTCPConnection from, String to, String body) throws Exception {
        from.sendStanza(from.getStanzaFactory().buildMessageStanza().to(JidCreate.from(to)).ofType(Message.Type.chat)
                .setBody(body).build());
        return body;
    }

    private static void awaitRoute(String seenBy, String fullJid, String node) {
        await().atMost(WAIT).until(() -> {
            NodeProbe.Route route = cluster.node(seenBy).probe().routes().get(fullJid);
            return route != null && route.node().equals(node) && route.available();
        });
    }

    private static void awaitJournalEntries(int entries) {
        await().atMost(WAIT).until(() -> cluster.node("node2").probe().journalEntries() == entries);
    }

    private static int offlineCount(String user) throws Exception {
        try (Connection db = cluster.database();
             PreparedStatement query = db.prepareStatement("SELECT COUNT(*) FROM skein_offline_message WHERE username = ?")) {
            query.setString(1, user);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }

    private static long millis(long from, long to) {
        return (to - from) / 1_000_000;
    }
}
