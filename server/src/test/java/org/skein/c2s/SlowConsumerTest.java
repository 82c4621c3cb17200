package org.skein.c2s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.skein.c2s.SmackMessagingTest.bodies;
import static org.skein.c2s.SmackMessagingTest.inbox;
import static org.skein.c2s.SmackMessagingTest.send;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.ping.PingManager;
import org.junit.jupiter.api.Test;
import org.skein.offline.OfflineMessage;
import org.skein.session.LocalClientSession;
import org.xmpp.packet.JID;

/**
 * A client that stops reading (a raw socket with a small receive buffer that never reads) while
 * another client sends it many messages: the node keeps at most its bound for it, keeps the rest
 * offline (or bounces it, per configuration), ends the stalled stream with {@code policy-violation},
 * and other users go on chatting meanwhile. Every message is accounted for: read by the stalled
 * client before its stream ended, kept offline (and delivered at its next login), or bounced to its
 * sender with an error. Small bounds come from the configuration.
 */
class SlowConsumerTest {

    private static final int MESSAGES = 4000;
    private static final String PADDING = "x".repeat(1000);
    private static final Pattern BODY = Pattern.compile("<body>(m\\d+) ");

    private static NodeWithClients node(Map<String, String> extra) throws Exception {
        Map<String, String> config = new HashMap<>();
        config.put("xmpp.sasl.plain.allowUnencrypted", "true");
        config.put("xmpp.c2s.writeBuffer.lowWaterMark", "4KiB");
        config.put("xmpp.c2s.writeBuffer.highWaterMark", "8KiB");
        config.put("xmpp.c2s.outbound.maxBytes", "256KiB");
        config.put("offline.maxPerUser", String.valueOf(MESSAGES * 2));
        config.put("offline.maxBytesPerUser", "64MiB");
        config.putAll(extra);
        return new NodeWithClients(config);
    }

    private static String body(int n) {
        return "m" + n + " " + PADDING;
    }

    /** The numbered bodies in a text ({@code m17}...). */
    private static Set<String> numbered(String text) {
        Set<String> found = new HashSet<>();
        Matcher m = BODY.matcher(text);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    private static Set<String> numbered(List<String> bodies) {
        Set<String> found = new HashSet<>();
        for (String body : bodies) {
            found.add(body.substring(0, body.indexOf(' ')));
        }
        return found;
    }

    private static Set<String> all() {
        Set<String> all = new HashSet<>();
        for (int i = 1; i <= MESSAGES; i++) {
            all.add("m" + i);
        }
        return all;
    }

    /** What offline storage holds for a user, by number. */
    private static Set<String> stored(NodeWithClients env, String user) {
        Set<String> found = new HashSet<>();
        for (OfflineMessage message : env.node.offlineMessageStore().page(user, 0, Integer.MAX_VALUE, Long.MAX_VALUE)) {
            found.addAll(numbered(message.stanza()));
        }
        return found;
    }

    /** Logs in with a raw socket that will stop reading, sends presence, and waits until the session is live. */
    private static RawClient stalledClient(NodeWithClients env, String user) throws Exception {
        RawClient raw = RawClient.withReceiveBuffer(env.node.c2sPort(), 4096);
        raw.login(user, "secret", "stalled");
        raw.send("<presence/>");
        JID full = new JID(env.jid(user) + "/stalled");
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            LocalClientSession session = env.node.routingTable().localSession(full);
            return session != null && session.isAvailable() && session.hold().isLive();
        });
        raw.clear();
        return raw;
    }

    /** Two other users exchange a few messages, each waited for: they are not slowed down by the stalled one. */
    private static void otherUsersChat(NodeWithClients env, XMPPTCPConnection c, String cUser, XMPPTCPConnection d, String dUser,
                                       List<Message> cInbox, List<Message> dInbox, String tag) throws Exception {
        for (int i = 0; i < 10; i++) {
            String ping = tag + "-ping-" + i;
            send(c, env.jid(dUser) + "/d", Message.Type.chat, ping);
            await().atMost(Duration.ofSeconds(20)).until(() -> bodies(dInbox).contains(ping));
            String pong = tag + "-pong-" + i;
            send(d, env.jid(cUser) + "/c", Message.Type.chat, pong);
            await().atMost(Duration.ofSeconds(20)).until(() -> bodies(cInbox).contains(pong));
        }
    }

    @Test
    void messagesForAClientThatStopsReadingAreKeptOfflineAndItsStreamEndsWithPolicyViolation() throws Exception {
        // a long close grace: the test reads the stalled socket after the stream error was queued, and gets it
        try (NodeWithClients env = node(Map.of("xmpp.c2s.outbound.grace", "3s", "xmpp.c2s.closeGrace", "10m"))) {
            String alice = env.newUser();
            String bob = env.newUser();
            String carol = env.newUser();
            String dave = env.newUser();
            XMPPTCPConnection a = env.clients.login(alice, "secret", "phone");
            List<Message> aInbox = inbox(a);
            XMPPTCPConnection c = env.clients.login(carol, "secret", "c");
            XMPPTCPConnection d = env.clients.login(dave, "secret", "d");
            List<Message> cInbox = inbox(c);
            List<Message> dInbox = inbox(d);
            try (RawClient stalled = stalledClient(env, bob)) {
                String bobFull = env.jid(bob) + "/stalled";
                for (int i = 1; i <= MESSAGES; i++) {
                    send(a, bobFull, Message.Type.chat, body(i));
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> !stored(env, bob).isEmpty());
                otherUsersChat(env, c, carol, d, dave, cInbox, dInbox, "during");

                await().atMost(Duration.ofSeconds(60)).until(() -> env.node.c2sStalledConnectionCount() == 1);
                String seen = stalled.awaitClose(Duration.ofSeconds(60));
                assertThat(seen).contains(RawClient.streamError("policy-violation"));
                await().atMost(Duration.ofSeconds(10)).until(() -> env.node.routingTable().localSession(new JID(bobFull)) == null);

                Set<String> read = numbered(seen);
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    assertAccountedFor(read, stored(env, bob), numbered(bounced(aInbox)));
                });
                assertThat(bounced(aInbox)).as("with storage room, nothing bounces").isEmpty();
                // the memory the node held for the stalled client: over the bound (the policy was needed) and never
                // over twice it plus the stanza that crossed it, although about 4 MiB were sent to it
                assertThat(env.node.c2sPeakBacklogBytes()).as("the stalled client's peak backlog, bytes")
                        .isGreaterThanOrEqualTo(256 * 1024).isLessThanOrEqualTo(2 * 256 * 1024 + 4 * 1024);
                Set<String> kept = stored(env, bob);
                assertThat(kept).isNotEmpty();

                // the next login gets what was kept
                XMPPTCPConnection again = env.clients.unconnected(bob, "secret", "again");
                List<Message> bobInbox = inbox(again);
                again.connect().login();
                await().atMost(Duration.ofSeconds(60)).until(() -> numbered(bodies(bobInbox)).containsAll(kept));
                await().atMost(Duration.ofSeconds(10)).until(() -> env.node.offlineMessageStore().count(bob) == 0);
            }
            otherUsersChat(env, c, carol, d, dave, cInbox, dInbox, "after");
        }
    }

    @Test
    void withTheBouncePolicyMessagesForAClientThatStopsReadingBounceWithResourceConstraint() throws Exception {
        try (NodeWithClients env = node(Map.of("xmpp.c2s.outbound.messages", "bounce", "xmpp.c2s.outbound.grace", "3s",
                "xmpp.c2s.closeGrace", "10m"))) {
            String alice = env.newUser();
            String bob = env.newUser();
            XMPPTCPConnection a = env.clients.login(alice, "secret", "phone");
            List<Message> aInbox = inbox(a);
            try (RawClient stalled = stalledClient(env, bob)) {
                String bobFull = env.jid(bob) + "/stalled";
                for (int i = 1; i <= MESSAGES; i++) {
                    send(a, bobFull, Message.Type.chat, body(i));
                    if (i % 100 == 0) {
                        // every bounce comes back to alice's own connection, about 1 KiB each: a sender whose client
                        // reads them slower than it sends (a loaded machine) would itself be ended at its hard bound.
                        // The server answers a ping after the messages before it, so alice has read their bounces then.
                        assertThat(PingManager.getInstanceFor(a).pingMyServer(true)).as("a ping after %d messages", i).isTrue();
                    }
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> env.node.c2sStalledConnectionCount() == 1);
                String seen = stalled.awaitClose(Duration.ofSeconds(60));
                assertThat(seen).contains(RawClient.streamError("policy-violation"));
                assertThat(a.isConnected()).as("the sender's own stream is not the one ended").isTrue();

                Set<String> read = numbered(seen);
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    assertAccountedFor(read, stored(env, bob), numbered(bounced(aInbox)));
                });
                assertThat(bounced(aInbox)).isNotEmpty();
                assertThat(aInbox.stream().filter(m -> m.getType() == Message.Type.error).findFirst().orElseThrow().getError()
                        .getCondition()).isEqualTo(StanzaError.Condition.resource_constraint);
            }
        }
    }

    @Test
    void anIdleClientThatDoesNotReadIsClosedAlthoughItsGoodbyeCannotBeWritten() throws Exception {
        // the slow-consumer grace is long: only the idle timeout can end this connection
        try (NodeWithClients env = node(Map.of("xmpp.idleTimeout", "3s", "xmpp.c2s.closeGrace", "1s", "xmpp.c2s.outbound.grace", "1h"))) {
            String alice = env.newUser();
            String bob = env.newUser();
            XMPPTCPConnection a = env.clients.login(alice, "secret", "phone");
            try (RawClient stalled = stalledClient(env, bob)) {
                String bobFull = env.jid(bob) + "/stalled";
                JID full = new JID(bobFull);
                // fill what waits for it past the socket, so that nothing more can be written to it
                // whitespace keeps it from being idle until what waits for it is over the bound
                ScheduledExecutorService keepAlive = Executors.newSingleThreadScheduledExecutor();
                try {
                    keepAlive.scheduleWithFixedDelay(() -> {
                        try {
                            stalled.send(" ");
                        } catch (IOException e) {
                            // the test fails below
                        }
                    }, 0, 200, TimeUnit.MILLISECONDS);
                    for (int i = 1; i <= MESSAGES; i++) {
                        send(a, bobFull, Message.Type.chat, body(i));
                    }
                    await().atMost(Duration.ofSeconds(60)).until(() -> env.node.routingTable().localSession(full).connection().isBacklogged());
                } finally {
                    keepAlive.shutdownNow();
                    keepAlive.awaitTermination(10, TimeUnit.SECONDS);
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> env.node.routingTable().localSession(full) == null);
                assertThat(env.node.c2sStalledConnectionCount()).isZero();
            }
        }
    }

    /** Every message was read by the stalled client, kept offline or bounced. */
    private static void assertAccountedFor(Set<String> read, Set<String> stored, Set<String> bounced) {
        Set<String> missing = all();
        missing.removeAll(read);
        missing.removeAll(stored);
        missing.removeAll(bounced);
        assertThat(missing).as("messages not accounted for (read %d, stored %d, bounced %d): %s", read.size(), stored.size(), bounced.size(),
                        missing.stream().map(m -> Integer.parseInt(m.substring(1))).sorted().toList())
                .isEmpty();
    }

    private static List<String> bounced(List<Message> inbox) {
        return inbox.stream().filter(m -> m.getType() == Message.Type.error && m.getBody() != null).map(Message::getBody).toList();
    }
}
