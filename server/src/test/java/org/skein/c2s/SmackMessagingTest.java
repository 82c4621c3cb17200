package org.skein.c2s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.delay.packet.DelayInformation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;
import org.skein.routing.ClientRoute;
import org.xmpp.packet.JID;

class SmackMessagingTest {

    static NodeWithClients env;

    @BeforeAll
    static void start() throws Exception {
        env = new NodeWithClients(Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        env.close();
    }

    /** Collects the messages a connection receives. */
    static List<Message> inbox(XMPPTCPConnection connection) {
        List<Message> messages = new CopyOnWriteArrayList<>();
        connection.addSyncStanzaListener(stanza -> messages.add((Message) stanza), StanzaTypeFilter.MESSAGE);
        return messages;
    }

    static void send(XMPPTCPConnection from, String to, Message.Type type, String body) throws Exception {
        from.sendStanza(from.getStanzaFactory().buildMessageStanza().to(JidCreate.from(to)).ofType(type).setBody(body).build());
    }

    static void setPriority(XMPPTCPConnection connection, int priority) throws Exception {
        connection.sendStanza(connection.getStanzaFactory().buildPresenceStanza().setPriority(priority).build());
    }

    private void awaitPriority(String fullJid, int priority) {
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            ClientRoute route = env.node.routingTable().clientRoute(new JID(fullJid));
            return route != null && route.available() && route.priority() == priority;
        });
    }

    static List<String> bodies(List<Message> messages) {
        return messages.stream().map(Message::getBody).filter(b -> b != null).toList();
    }

    @Test
    void aMessageToAFullJidReachesThatResourceOnly() throws Exception {
        String alice = env.newUser();
        String bob = env.newUser();
        XMPPTCPConnection a = env.clients.login(alice, "secret", "phone");
        XMPPTCPConnection b1 = env.clients.login(bob, "secret", "one");
        XMPPTCPConnection b2 = env.clients.login(bob, "secret", "two");
        List<Message> inbox1 = inbox(b1);
        List<Message> inbox2 = inbox(b2);
        awaitPriority(env.jid(bob) + "/two", 0);

        send(a, env.jid(bob) + "/two", Message.Type.chat, "to two");
        send(a, env.jid(bob) + "/one", Message.Type.chat, "marker");

        await().atMost(Duration.ofSeconds(10)).until(() -> bodies(inbox2).contains("to two") && bodies(inbox1).contains("marker"));
        assertThat(bodies(inbox1)).containsExactly("marker");
        assertThat(inbox2.get(0).getFrom().toString()).isEqualTo(env.jid(alice) + "/phone");
    }

    @Test
    void aMessageToTheBareJidGoesToTheHighestPriorityAndTiesGetItAll() throws Exception {
        String alice = env.newUser();
        String bob = env.newUser();
        XMPPTCPConnection a = env.clients.login(alice, "secret", "phone");
        XMPPTCPConnection high = env.clients.login(bob, "secret", "high");
        XMPPTCPConnection low = env.clients.login(bob, "secret", "low");
        List<Message> highInbox = inbox(high);
        List<Message> lowInbox = inbox(low);
        setPriority(high, 5);
        setPriority(low, 1);
        awaitPriority(env.jid(bob) + "/high", 5);
        awaitPriority(env.jid(bob) + "/low", 1);

        send(a, env.jid(bob), Message.Type.chat, "bare");
        send(a, env.jid(bob) + "/low", Message.Type.chat, "marker");
        await().atMost(Duration.ofSeconds(10)).until(() -> bodies(highInbox).contains("bare") && bodies(lowInbox).contains("marker"));
        assertThat(bodies(lowInbox)).containsExactly("marker");

        setPriority(low, 5);
        awaitPriority(env.jid(bob) + "/low", 5);
        send(a, env.jid(bob), Message.Type.normal, "tie");
        await().atMost(Duration.ofSeconds(10)).until(() -> bodies(highInbox).contains("tie") && bodies(lowInbox).contains("tie"));

        send(a, env.jid(bob), Message.Type.headline, "news");
        await().atMost(Duration.ofSeconds(10)).until(() -> bodies(highInbox).contains("news") && bodies(lowInbox).contains("news"));
    }

    @Test
    void negativePriorityNeverGetsBareJidMessagesWhichAreThenKeptOffline() throws Exception {
        String alice = env.newUser();
        String bob = env.newUser();
        XMPPTCPConnection a = env.clients.login(alice, "secret", "phone");
        XMPPTCPConnection shy = env.clients.login(bob, "secret", "shy");
        List<Message> shyInbox = inbox(shy);
        setPriority(shy, -1);
        awaitPriority(env.jid(bob) + "/shy", -1);

        send(a, env.jid(bob), Message.Type.chat, "kept");
        send(a, env.jid(bob) + "/shy", Message.Type.chat, "marker");
        await().atMost(Duration.ofSeconds(10)).until(() -> bodies(shyInbox).contains("marker"));
        assertThat(bodies(shyInbox)).containsExactly("marker");
        await().atMost(Duration.ofSeconds(10)).until(() -> env.node.offlineMessageStore().count(bob) == 1);
    }

    @Test
    void anOfflineMessageIsDeliveredAtLoginWithADelayStamp() throws Exception {
        String alice = env.newUser();
        String bob = env.newUser();
        XMPPTCPConnection a = env.clients.login(alice, "secret", "phone");
        send(a, env.jid(bob), Message.Type.chat, "while you were away");
        send(a, env.jid(bob) + "/gone", Message.Type.normal, "to a resource that is not there");
        await().atMost(Duration.ofSeconds(10)).until(() -> env.node.offlineMessageStore().count(bob) == 2);

        XMPPTCPConnection b = new XMPPTCPConnection(env.clients.config(bob, "secret", "desk", "SCRAM-SHA-1").build());
        List<Message> inbox = inbox(b);
        b.connect().login();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> bodies(inbox).size() == 2);
            assertThat(bodies(inbox)).containsExactly("while you were away", "to a resource that is not there");
            DelayInformation delay = DelayInformation.from(inbox.get(0));
            assertThat(delay).isNotNull();
            assertThat(delay.getFrom()).isEqualTo("localhost");
            assertThat(delay.getStamp()).isNotNull();
            assertThat(inbox.get(0).getFrom().toString()).isEqualTo(env.jid(alice) + "/phone");
            assertThat(env.node.offlineMessageStore().count(bob)).isZero();
        } finally {
            b.disconnect();
        }
    }

    @Test
    void aMessageToAnUnknownUserBouncesWithServiceUnavailable() throws Exception {
        String alice = env.newUser();
        XMPPTCPConnection a = env.clients.login(alice, "secret", "phone");
        List<Message> inbox = inbox(a);
        send(a, "nobody-here@localhost", Message.Type.chat, "hello?");
        await().atMost(Duration.ofSeconds(10)).until(() -> !inbox.isEmpty());
        Message error = inbox.get(0);
        assertThat(error.getType()).isEqualTo(Message.Type.error);
        assertThat(error.getError().getCondition()).isEqualTo(StanzaError.Condition.service_unavailable);
        assertThat(error.getFrom().toString()).isEqualTo("nobody-here@localhost");
    }

    @Test
    void aMessageToAnotherDomainBouncesWithRemoteServerNotFound() throws Exception {
        String alice = env.newUser();
        XMPPTCPConnection a = env.clients.login(alice, "secret", "phone");
        List<Message> inbox = inbox(a);
        send(a, "someone@elsewhere.example", Message.Type.chat, "hello?");
        await().atMost(Duration.ofSeconds(10)).until(() -> !inbox.isEmpty());
        assertThat(inbox.get(0).getError().getCondition()).isEqualTo(StanzaError.Condition.remote_server_not_found);
    }

    @Test
    void aFullOfflineStoreBouncesTheMessage() throws Exception {
        try (NodeWithClients small = new NodeWithClients(Map.of("offline.maxPerUser", "1"))) {
            String alice = small.newUser();
            String bob = small.newUser();
            XMPPTCPConnection a = small.clients.login(alice, "secret", "phone");
            List<Message> inbox = inbox(a);
            send(a, small.jid(bob), Message.Type.chat, "first");
            send(a, small.jid(bob), Message.Type.chat, "second");
            await().atMost(Duration.ofSeconds(10)).until(() -> !inbox.isEmpty());
            assertThat(inbox.get(0).getType()).isEqualTo(Message.Type.error);
            assertThat(inbox.get(0).getBody()).isEqualTo("second");
            assertThat(inbox.get(0).getError().getCondition()).isEqualTo(StanzaError.Condition.service_unavailable);
            assertThat(small.node.offlineMessageStore().count(bob)).isEqualTo(1);
        }
    }

    @Test
    void twoResourcesOfOneUserAreBothBound() throws Exception {
        String bob = env.newUser();
        XMPPTCPConnection one = env.clients.login(bob, "secret", "one");
        XMPPTCPConnection two = env.clients.login(bob, "secret", "two");
        assertThat(one.getUser().toString()).isEqualTo(env.jid(bob) + "/one");
        assertThat(two.getUser().toString()).isEqualTo(env.jid(bob) + "/two");
        assertThat(env.node.sessionManager().routesOf(env.jid(bob))).hasSize(2);
        assertThat(env.node.sessionManager().getLocalSessions(env.jid(bob))).hasSize(2);
    }
}
