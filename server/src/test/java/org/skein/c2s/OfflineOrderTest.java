package org.skein.c2s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.skein.c2s.SmackMessagingTest.bodies;
import static org.skein.c2s.SmackMessagingTest.inbox;
import static org.skein.c2s.SmackMessagingTest.send;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xmpp.packet.JID;

/**
 * Offline messages come first: a client that logs in gets what waited in storage before any live
 * message, even one sent to its full JID right after its bind or while the stored ones are delivered
 * (a real Smack client that binds without sending presence, then sends it).
 */
class OfflineOrderTest {

    static NodeWithClients env;

    @BeforeAll
    static void start() throws Exception {
        env = new NodeWithClients(Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        env.close();
    }

    private static List<String> numbers(int from, int to) {
        return IntStream.rangeClosed(from, to).mapToObj(Integer::toString).toList();
    }

    @Test
    void storedMessagesReachTheClientBeforeLiveOnesSentAfterItsBindAndDuringTheirDelivery() throws Exception {
        String alice = env.newUser();
        String bob = env.newUser();
        XMPPTCPConnection a = env.clients.login(alice, "secret", "phone");
        for (String n : numbers(1, 250)) {
            send(a, env.jid(bob), Message.Type.chat, n);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> env.node.offlineMessageStore().count(bob) == 250);

        XMPPTCPConnection b = new XMPPTCPConnection(env.clients.config(bob, "secret", "desk", "SCRAM-SHA-1")
                .setSendPresence(false).build());
        List<Message> inbox = inbox(b);
        b.connect().login();
        try {
            String desk = env.jid(bob) + "/desk";
            await().atMost(Duration.ofSeconds(10)).until(() -> env.node.routingTable().localSession(new JID(desk)) != null);
            for (String n : numbers(251, 260)) {
                send(a, desk, Message.Type.chat, n);
            }
            // the bound session holds them: they reach neither the client nor (yet) storage
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    env.node.routingTable().localSession(new JID(desk)).hold().heldCount() == 10);
            assertThat(bodies(inbox)).isEmpty();

            b.sendStanza(b.getStanzaFactory().buildPresenceStanza().build());
            for (String n : numbers(261, 400)) {
                send(a, desk, Message.Type.chat, n);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> bodies(inbox).size() >= 400);
            assertThat(bodies(inbox)).containsExactlyElementsOf(numbers(1, 400));
            await().atMost(Duration.ofSeconds(10)).until(() -> env.node.offlineMessageStore().count(bob) == 0);
        } finally {
            b.disconnect();
        }
    }

    @Test
    void aClientWithNegativePriorityGetsWhatWaitedForItsResourceAndStorageKeepsTheRest() throws Exception {
        String alice = env.newUser();
        String bob = env.newUser();
        XMPPTCPConnection a = env.clients.login(alice, "secret", "phone");
        send(a, env.jid(bob), Message.Type.chat, "stored");
        await().atMost(Duration.ofSeconds(10)).until(() -> env.node.offlineMessageStore().count(bob) == 1);

        XMPPTCPConnection b = new XMPPTCPConnection(env.clients.config(bob, "secret", "shy", "SCRAM-SHA-1")
                .setSendPresence(false).build());
        List<Message> inbox = inbox(b);
        b.connect().login();
        try {
            String shy = env.jid(bob) + "/shy";
            await().atMost(Duration.ofSeconds(10)).until(() -> env.node.routingTable().localSession(new JID(shy)) != null);
            send(a, shy, Message.Type.chat, "held");
            SmackMessagingTest.setPriority(b, -1);
            await().atMost(Duration.ofSeconds(10)).until(() -> bodies(inbox).contains("held"));
            assertThat(bodies(inbox)).containsExactly("held");
            assertThat(env.node.offlineMessageStore().count(bob)).isEqualTo(1);
        } finally {
            b.disconnect();
        }
    }

    @Test
    void messagesHeldForASessionThatEndsBeforeItsPresenceAreKeptOffline() throws Exception {
        String alice = env.newUser();
        String bob = env.newUser();
        XMPPTCPConnection a = env.clients.login(alice, "secret", "phone");
        XMPPTCPConnection b = new XMPPTCPConnection(env.clients.config(bob, "secret", "brief", "SCRAM-SHA-1")
                .setSendPresence(false).build());
        b.connect().login();
        String brief = env.jid(bob) + "/brief";
        await().atMost(Duration.ofSeconds(10)).until(() -> env.node.routingTable().localSession(new JID(brief)) != null);
        List<String> sent = new ArrayList<>(numbers(1, 3));
        for (String n : sent) {
            send(a, brief, Message.Type.chat, n);
        }
        await().atMost(Duration.ofSeconds(10)).until(() ->
                env.node.routingTable().localSession(new JID(brief)).hold().heldCount() == 3);
        b.disconnect();
        await().atMost(Duration.ofSeconds(10)).until(() -> env.node.offlineMessageStore().count(bob) == 3);

        XMPPTCPConnection again = new XMPPTCPConnection(env.clients.config(bob, "secret", "desk", "SCRAM-SHA-1").build());
        List<Message> inbox = inbox(again);
        again.connect().login();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> bodies(inbox).size() == 3);
            assertThat(bodies(inbox)).containsExactlyElementsOf(sent);
        } finally {
            again.disconnect();
        }
    }

    /**
     * A message to the bare JID sent as the recipient sends its initial presence: if it is written to
     * storage just after the presence emptied it, it must still reach the online client, once, not wait
     * for its next login. Each round logs in a new resource without presence, then the message and the
     * presence leave at the same moment on two connections.
     */
    @Test
    void aBareJidMessageSentAsTheRecipientComesOnlineReachesItLive() throws Exception {
        String alice = env.newUser();
        String bob = env.newUser();
        XMPPTCPConnection a = env.clients.login(alice, "secret", "phone");
        for (int round = 1; round <= 40; round++) {
            XMPPTCPConnection b = new XMPPTCPConnection(env.clients.config(bob, "secret", "r" + round, "SCRAM-SHA-1")
                    .setSendPresence(false).build());
            List<Message> inbox = inbox(b);
            b.connect().login();
            try {
                String body = "round " + round;
                send(a, env.jid(bob), Message.Type.chat, body);
                b.sendStanza(b.getStanzaFactory().buildPresenceStanza().build());
                await(body).atMost(Duration.ofSeconds(20)).until(() -> bodies(inbox).contains(body));
                // a second copy (the login's delivery and a live delivery both taking it) would come before this one
                String after = "after round " + round;
                send(a, env.jid(bob), Message.Type.chat, after);
                await(after).atMost(Duration.ofSeconds(20)).until(() -> bodies(inbox).contains(after));
                assertThat(bodies(inbox)).as("round %d", round).containsExactly(body, after);
                assertThat(env.node.offlineMessageStore().count(bob)).as("messages left in storage").isZero();
            } finally {
                b.disconnect();
            }
        }
    }
}
