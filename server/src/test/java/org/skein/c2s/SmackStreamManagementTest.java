package org.skein.c2s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;
import org.skein.session.LocalClientSession;
import org.xmpp.packet.JID;

/**
 * Stream management (XEP-0198) with real Smack clients that enable it with resumption, and a dropped
 * connection simulated with Smack's {@code instantShutdown()} (the socket closes, no {@code </stream>},
 * Smack keeps its state to resume): the session waits on the node, keeps its presence, queues what
 * arrives, and gives it all to the client that resumes; one that does not come back in time ends, and
 * what it never acknowledged goes to offline storage.
 */
class SmackStreamManagementTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private static XMPPTCPConnection smClient(NodeWithClients node, String user, String resource) throws Exception {
        XMPPTCPConnection client = node.clients.unconnected(user, "secret", resource);
        client.setUseStreamManagement(true);
        client.setUseStreamManagementResumption(true);
        client.connect().login();
        return client;
    }

    private static List<Message> messages(XMPPTCPConnection client) {
        List<Message> inbox = new CopyOnWriteArrayList<>();
        client.addSyncStanzaListener(s -> inbox.add((Message) s), StanzaTypeFilter.MESSAGE);
        return inbox;
    }

    private static boolean has(List<Message> inbox, String body) {
        return inbox.stream().anyMatch(m -> body.equals(m.getBody()));
    }

    private static void send(XMPPTCPConnection from, String to, String body) throws Exception {
        from.sendStanza(from.getStanzaFactory().buildMessageStanza().to(JidCreate.from(to)).ofType(Message.Type.chat).setBody(body).build());
    }

    @Test
    void aClientThatDropsItsConnectionResumesAndGetsWhatCameMeanwhile() throws Exception {
        try (NodeWithClients node = new NodeWithClients(Map.of())) {
            String alice = node.newUser();
            String bob = node.newUser();
            ClusterFixtures.befriend(node.node, alice, bob);
            XMPPTCPConnection aliceClient = smClient(node, alice, "phone");
            XMPPTCPConnection bobClient = node.clients.login(bob, "secret", "desk");
            List<Presence> bobPresences = ClusterFixtures.presences(bobClient);
            assertThat(aliceClient.isSmEnabled()).isTrue();
            assertThat(aliceClient.isSmResumptionPossible()).isTrue();
            List<Message> aliceInbox = messages(aliceClient);
            JID aliceJid = new JID(aliceClient.getUser().toString());
            await().atMost(WAIT).until(() -> node.node.routingTable().clientRoute(aliceJid).available());
            LocalClientSession session = node.node.routingTable().localSession(aliceJid);
            assertThat(session.isStreamManagementEnabled()).isTrue();

            send(bobClient, node.jid(alice), "before the drop");
            await().atMost(WAIT).until(() -> has(aliceInbox, "before the drop"));

            aliceClient.instantShutdown();
            await().atMost(WAIT).until(session::isDetached);
            send(bobClient, node.jid(alice), "while away 1");
            send(bobClient, aliceJid.toString(), "while away 2");
            await().atMost(WAIT).until(() -> session.unacknowledgedCount() >= 2);

            aliceClient.connect().login();
            assertThat(aliceClient.streamWasResumed()).isTrue();
            await().atMost(WAIT).until(() -> has(aliceInbox, "while away 2"));
            assertThat(aliceInbox).extracting(Message::getBody).containsExactly("before the drop", "while away 1", "while away 2");
            assertThat(node.node.routingTable().localSession(aliceJid)).as("the same session goes on").isSameAs(session);
            assertThat(session.isDetached()).isFalse();
            assertThat(node.node.offlineMessageManager().count(alice)).isZero();

            // the session works as before both ways, and bob never saw alice go away
            send(aliceClient, node.jid(bob), "back");
            List<Message> bobInbox = messages(bobClient);
            send(bobClient, aliceJid.toString(), "welcome back");
            await().atMost(WAIT).until(() -> has(aliceInbox, "welcome back"));
            assertThat(bobPresences).noneMatch(p -> p.getFrom().toString().equals(aliceJid.toString()) && p.getType() == Presence.Type.unavailable);
            await().atMost(WAIT).until(() -> session.unacknowledgedCount() == 0);
        }
    }

    @Test
    void aSessionNotResumedInTimeEndsAndItsMessagesWaitOffline() throws Exception {
        try (NodeWithClients node = new NodeWithClients(Map.of("xmpp.sm.resumeTimeout", "2s"))) {
            String alice = node.newUser();
            String bob = node.newUser();
            ClusterFixtures.befriend(node.node, alice, bob);
            XMPPTCPConnection aliceClient = smClient(node, alice, "phone");
            XMPPTCPConnection bobClient = node.clients.login(bob, "secret", "desk");
            List<Presence> bobPresences = ClusterFixtures.presences(bobClient);
            JID aliceJid = new JID(aliceClient.getUser().toString());
            await().atMost(WAIT).until(() -> node.node.routingTable().clientRoute(aliceJid).available());
            LocalClientSession session = node.node.routingTable().localSession(aliceJid);

            aliceClient.instantShutdown();
            await().atMost(WAIT).until(session::isDetached);
            send(bobClient, aliceJid.toString(), "kept for later");
            await().atMost(WAIT).until(() -> session.unacknowledgedCount() >= 1);

            // the timeout passes: alice's contacts are told she is gone, and the message is in offline storage
            await().atMost(WAIT).until(() -> bobPresences.stream().anyMatch(p -> p.getFrom().toString().equals(aliceJid.toString())
                    && p.getType() == Presence.Type.unavailable));
            await().atMost(WAIT).until(() -> node.node.offlineMessageManager().count(alice) == 1);
            assertThat(node.node.routingTable().localSession(aliceJid)).isNull();

            // the client's resume fails (item-not-found); Smack binds a new session and gets the stored message
            List<Message> aliceInbox = messages(aliceClient);
            aliceClient.connect().login();
            assertThat(aliceClient.streamWasResumed()).isFalse();
            await().atMost(WAIT).until(() -> has(aliceInbox, "kept for later"));
            assertThat(node.node.offlineMessageManager().count(alice)).isZero();
        }
    }

    @Test
    void aCleanLogoutEndsTheSessionAtOnce() throws Exception {
        try (NodeWithClients node = new NodeWithClients(Map.of())) {
            String alice = node.newUser();
            String bob = node.newUser();
            ClusterFixtures.befriend(node.node, alice, bob);
            XMPPTCPConnection aliceClient = smClient(node, alice, "phone");
            XMPPTCPConnection bobClient = node.clients.login(bob, "secret", "desk");
            List<Presence> bobPresences = ClusterFixtures.presences(bobClient);
            JID aliceJid = new JID(aliceClient.getUser().toString());
            await().atMost(WAIT).until(() -> node.node.routingTable().clientRoute(aliceJid).available());

            aliceClient.disconnect();
            await().atMost(WAIT).until(() -> node.node.routingTable().localSession(aliceJid) == null);
            await().atMost(WAIT).until(() -> bobPresences.stream().anyMatch(p -> p.getFrom().toString().equals(aliceJid.toString())
                    && p.getType() == Presence.Type.unavailable));
        }
    }

    /**
     * Issue 17: a message is archived once whatever resends it went through. A client sends a burst and
     * loses its connection before the server's acknowledgements reach it; at the resume it learns what
     * the server had (the {@code h} of {@code <resumed/>}) and sends only the rest again. The recipient
     * gets each message once and each archive holds it once, with carbons on for both users.
     */
    @Test
    void messagesSentJustBeforeADropAndResentAtTheResumeAreDeliveredAndArchivedOnce() throws Exception {
        try (NodeWithClients node = new NodeWithClients(Map.of())) {
            String alice = node.newUser();
            String bob = node.newUser();
            XMPPTCPConnection aliceClient = smClient(node, alice, "phone");
            XMPPTCPConnection bobClient = smClient(node, bob, "desk");
            List<Message> bobInbox = messages(bobClient);
            for (int i = 0; i < 50; i++) {
                send(aliceClient, node.jid(bob), "burst " + i);
            }
            aliceClient.instantShutdown();
            aliceClient.connect().login();
            assertThat(aliceClient.streamWasResumed()).isTrue();
            await().atMost(WAIT).until(() -> has(bobInbox, "burst 49"));
            List<String> expected = java.util.stream.IntStream.range(0, 50).mapToObj(i -> "burst " + i).toList();
            await().atMost(WAIT).untilAsserted(() -> assertThat(bobInbox).extracting(Message::getBody)
                    .filteredOn(body -> body != null && body.startsWith("burst ")).containsExactlyElementsOf(expected));
            for (XMPPTCPConnection owner : List.of(aliceClient, bobClient)) {
                List<String> archived = org.jivesoftware.smackx.mam.MamManager.getInstanceFor(owner)
                        .queryArchive(org.jivesoftware.smackx.mam.MamManager.MamQueryArgs.builder().setResultPageSizeTo(100).build())
                        .getMessages().stream().map(Message::getBody).toList();
                assertThat(archived).as("the archive of " + owner.getUser()).containsExactlyElementsOf(expected);
            }
        }
    }
}
