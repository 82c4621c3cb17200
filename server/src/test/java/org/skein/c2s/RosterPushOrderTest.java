package org.skein.c2s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.dom4j.DocumentHelper;
import org.dom4j.Element;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.skein.roster.RosterManager;
import org.skein.roster.Subscription;
import org.skein.session.ClientConnection;
import org.skein.session.LocalClientSession;
import org.xmpp.packet.JID;
import org.xmpp.packet.Presence;
import org.xmpp.packet.StreamError;

/**
 * Two users approve each other's subscription requests at the same moment: each approval changes the
 * other user's roster item too, from another processing thread. A client applies roster pushes in the
 * order it gets them, so the last push it gets for an item must carry the item as stored, whatever
 * the interleaving. The test forces the interleaving that once left a client with a stale item
 * ({@code from} or {@code to} while the server stored {@code both}): one thread is held while it
 * pushes, and the other changes the same item meanwhile (or waits for the roster lock to do so).
 */
class RosterPushOrderTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private NodeWithClients env;
    private final List<Thread> threads = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        env = new NodeWithClients(Map.of());
    }

    @AfterEach
    void stop() throws Exception {
        for (Thread thread : threads) {
            thread.interrupt();
            thread.join(WAIT.toMillis());
        }
        env.close();
    }

    @Test
    void crossedApprovalsLeaveEachClientWithTheStoredItem() throws Exception {
        String alice = env.newUser();
        String bob = env.newUser();
        GatedConnection aliceConnection = new GatedConnection();
        GatedConnection bobConnection = new GatedConnection();
        LocalClientSession a = online(aliceConnection, alice);
        LocalClientSession b = online(bobConnection, bob);
        send(a, Presence.Type.subscribe, bob);
        send(b, Presence.Type.subscribe, alice);

        // alice's approval changes bob's item too; hold it while it pushes that change to bob
        Thread aliceApproves = thread("alice-approves", () -> send(a, Presence.Type.subscribed, bob));
        bobConnection.holdRosterPushesOf(aliceApproves);
        aliceApproves.start();
        assertThat(bobConnection.held.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("alice's approval pushes to bob").isTrue();

        Thread bobApproves = thread("bob-approves", () -> send(b, Presence.Type.subscribed, alice));
        bobApproves.start();
        await().atMost(WAIT).until(() -> bobApproves.getState() == Thread.State.TERMINATED || waitsForRosterLock(bobApproves));
        bobConnection.release.countDown();
        aliceApproves.join(WAIT.toMillis());
        bobApproves.join(WAIT.toMillis());
        assertThat(aliceApproves.isAlive() || bobApproves.isAlive()).as("both approvals done").isFalse();

        RosterManager rosters = env.node.rosterManager();
        assertThat(rosters.getItem(alice, env.jid(bob)).orElseThrow().subscription()).isEqualTo(Subscription.BOTH);
        assertThat(rosters.getItem(bob, env.jid(alice)).orElseThrow().subscription()).isEqualTo(Subscription.BOTH);
        assertThat(lastPushedSubscription(bobConnection, env.jid(alice))).as("bob's client's last push for alice").isEqualTo("both");
        assertThat(lastPushedSubscription(aliceConnection, env.jid(bob))).as("alice's client's last push for bob").isEqualTo("both");
    }

    private LocalClientSession online(ClientConnection connection, String user) {
        LocalClientSession session = env.node.sessionManager().bind(connection, user, "res", "stream-" + user);
        session.setRosterRequested(true);
        Presence available = new Presence();
        available.setFrom(session.address());
        env.node.presenceManager().process(available, session);
        return session;
    }

    private void send(LocalClientSession session, Presence.Type type, String contact) {
        Presence presence = new Presence(type);
        presence.setFrom(session.address());
        presence.setTo(new JID(env.jid(contact)));
        env.node.presenceManager().process(presence, session);
    }

    private Thread thread(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        threads.add(thread);
        return thread;
    }

    /** Whether a thread is parked in {@code Lock.lock()} called by {@link RosterManager#update}. */
    private static boolean waitsForRosterLock(Thread thread) {
        if (thread.getState() != Thread.State.WAITING && thread.getState() != Thread.State.TIMED_WAITING) {
            return false;
        }
        StackTraceElement[] stack = thread.getStackTrace();
        for (int i = 1; i < stack.length; i++) {
            if (stack[i].getClassName().equals(RosterManager.class.getName()) && stack[i].getMethodName().equals("update")) {
                return stack[i - 1].getMethodName().equals("lock");
            }
        }
        return false;
    }

    /** The subscription of the last roster push a client got for a contact, or {@code null}. */
    private static String lastPushedSubscription(GatedConnection connection, String contact) throws Exception {
        String last = null;
        for (String xml : connection.sent) {
            if (!xml.startsWith("<iq") || !xml.contains("jabber:iq:roster")) {
                continue;
            }
            Element iq = DocumentHelper.parseText(xml).getRootElement();
            if (!"set".equals(iq.attributeValue("type"))) {
                continue;
            }
            for (Element item : iq.element("query").elements("item")) {
                if (contact.equals(item.attributeValue("jid"))) {
                    last = item.attributeValue("subscription");
                }
            }
        }
        return last;
    }

    /** A socketless connection that records what it is sent and can hold one thread's roster pushes. */
    private static final class GatedConnection implements ClientConnection {
        final List<String> sent = new CopyOnWriteArrayList<>();
        final CountDownLatch held = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        private volatile Thread gated;

        void holdRosterPushesOf(Thread thread) {
            gated = thread;
        }

        @Override
        public void send(String xml) {
            if (Thread.currentThread() == gated && xml.contains("jabber:iq:roster")) {
                held.countDown();
                try {
                    release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            sent.add(xml);
        }

        @Override public Executor executor() { return Runnable::run; }
        @Override public void schedule(Runnable task, Duration delay) { task.run(); }
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
