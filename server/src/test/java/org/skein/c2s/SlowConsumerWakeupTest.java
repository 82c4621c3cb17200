package org.skein.c2s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.skein.c2s.SmackMessagingTest.send;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.skein.session.ClientConnection;
import org.skein.session.LocalClientSession;
import org.xmpp.packet.Presence;
import org.xmpp.packet.StreamError;

/**
 * A client that stopped reading reads again at the very moment a message for it is diverted to offline
 * storage: its connection's relief finds the session not yet diverting, and the diversion finds the
 * connection no longer over its bound. The message must still reach the client while it is online (it
 * was once left in storage, and so was every later message, until the next login: seen as the
 * slow-consumer smoke's client never being over its bound again while thousands waited offline).
 */
class SlowConsumerWakeupTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private NodeWithClients env;

    @BeforeEach
    void start() throws Exception {
        env = new NodeWithClients(Map.of());
    }

    @AfterEach
    void stop() throws Exception {
        env.close();
    }

    @Test
    void aMessageDivertedAsTheClientReadsAgainIsDeliveredWhileItIsOnline() throws Exception {
        String alice = env.newUser();
        String bob = env.newUser();
        ReliefAtTheLook bobConnection = new ReliefAtTheLook();
        LocalClientSession bobSession = env.node.sessionManager().bind(bobConnection, bob, "desk", "stream-" + bob);
        Presence available = new Presence();
        available.setFrom(bobSession.address());
        env.node.presenceManager().process(available, bobSession);
        await().atMost(WAIT).until(() -> bobSession.hold().isLive());
        XMPPTCPConnection a = env.clients.login(alice, "secret", "phone");

        send(a, bobSession.address().toString(), Message.Type.chat, "before");
        await().atMost(WAIT).until(() -> bobConnection.bodies().contains("before"));

        bobConnection.relieveAtTheNextLook();
        send(a, bobSession.address().toString(), Message.Type.chat, "as he reads again");
        send(a, bobSession.address().toString(), Message.Type.chat, "after");
        await().atMost(WAIT).until(() -> bobConnection.bodies().containsAll(List.of("as he reads again", "after")));

        assertThat(bobConnection.relieved).as("the relief came while the message was being diverted").isTrue();
        assertThat(bobConnection.bodies()).containsExactly("before", "as he reads again", "after");
        assertThat(env.node.offlineMessageStore().count(bob)).isZero();
        assertThat(bobSession.hold().isLive()).isTrue();
    }

    /**
     * A socketless connection whose client stops reading for one look only: the first look at its backlog
     * after {@link #relieveAtTheNextLook()} answers "over the bound", but the client has read again by then
     * (its relief is signalled before the answer, as a relief on the event loop can overtake the caller).
     */
    private static final class ReliefAtTheLook implements ClientConnection {
        final List<String> sent = new CopyOnWriteArrayList<>();
        private volatile OutboundListener listener;
        private volatile boolean armed;
        volatile boolean relieved;

        void relieveAtTheNextLook() {
            armed = true;
        }

        List<String> bodies() {
            return sent.stream().filter(x -> x.startsWith("<message") && x.contains("<body>"))
                    .map(x -> x.substring(x.indexOf("<body>") + 6, x.indexOf("</body>"))).toList();
        }

        @Override
        public boolean isBacklogged() {
            if (armed) {
                armed = false;
                relieved = true;
                listener.relieved();
                return true;
            }
            return false;
        }

        @Override
        public void setOutboundListener(OutboundListener listener) {
            this.listener = listener;
        }

        @Override
        public void send(String xml) {
            sent.add(xml);
        }

        @Override public Executor executor() { return Runnable::run; }
        @Override public void schedule(Runnable task, Duration delay) { }
        @Override public InetSocketAddress remoteAddress() { return new InetSocketAddress("127.0.0.1", 5222); }
        @Override public boolean isSecure() { return true; }
        @Override public boolean isOpen() { return true; }
        @Override public void startTls(String proceed) { throw new UnsupportedOperationException(); }
        @Override public void restartStream(String success) { throw new UnsupportedOperationException(); }
        @Override public void resumeParsing() { }
        @Override public void closeWithError(StreamError.Condition condition, String text) { }
        @Override public void close() { }
    }
}
