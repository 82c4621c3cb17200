package org.skein.c2s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.skein.c2s.SmackMessagingTest.bodies;
import static org.skein.c2s.SmackMessagingTest.inbox;
import static org.skein.c2s.SmackMessagingTest.send;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.Test;

/**
 * The inbound rate per connection ({@code xmpp.c2s.inbound.rate} and {@code .burst}), seen from outside: a
 * client that floods the node is read no faster than its rate, and its stanzas wait in its own socket, not in
 * the node's shared queues, so that two other users' messages go through meanwhile; the flooder loses nothing
 * and is not disconnected. With the defaults a burst such as a login's passes without a pause.
 */
class InboundRateTest {

    private static final String PADDING = "x".repeat(1000);

    private static NodeWithClients node(Map<String, String> extra) throws Exception {
        Map<String, String> config = new HashMap<>();
        config.put("xmpp.sasl.plain.allowUnencrypted", "true");
        config.putAll(extra);
        return new NodeWithClients(config);
    }

    private static String flood(String to, int n) {
        return "<message to='" + to + "' type='chat' id='f" + n + "'><body>f" + n + " " + PADDING + "</body></message>";
    }

    /** The numbers of the flood messages in an inbox, in the order they arrived. */
    private static List<Integer> floodNumbers(List<Message> inbox) {
        return bodies(inbox).stream().filter(b -> b.startsWith("f")).map(b -> Integer.parseInt(b.substring(1, b.indexOf(' ')))).toList();
    }

    @Test
    void aFloodingClientIsReadAtItsRateWhileOtherUsersChat() throws Exception {
        // 8 KiB/s: the 400 messages of about 1.1 KiB below take the node close to a minute to read
        int messages = 400;
        ExecutorService flooding = Executors.newSingleThreadExecutor();
        try (NodeWithClients env = node(Map.of("xmpp.c2s.inbound.rate", "8KiB", "xmpp.c2s.inbound.burst", "8KiB"))) {
            String flooder = env.newUser();
            String sink = env.newUser();
            String carol = env.newUser();
            String dave = env.newUser();
            XMPPTCPConnection s = env.clients.login(sink, "secret", "s");
            List<Message> sinkInbox = inbox(s);
            XMPPTCPConnection c = env.clients.login(carol, "secret", "c");
            XMPPTCPConnection d = env.clients.login(dave, "secret", "d");
            List<Message> cInbox = inbox(c);
            List<Message> dInbox = inbox(d);
            try (RawClient raw = new RawClient(env.node.c2sPort())) {
                raw.login(flooder, "secret", "flood");
                String to = env.jid(sink) + "/s";
                // the flooder writes as fast as its socket takes it; the writes block once the node stops reading
                Future<?> writer = flooding.submit(() -> {
                    for (int n = 1; n <= messages; n++) {
                        raw.send(flood(to, n));
                    }
                    return null;
                });
                await().atMost(Duration.ofSeconds(30)).until(() -> env.node.c2sInboundPauseCount() > 0);

                // two other users chat, each message waited for, while the rest of the flood waits in the kernel's socket
                // buffers (the node does not read it)
                for (int i = 0; i < 10; i++) {
                    String ping = "ping-" + i;
                    send(c, env.jid(dave) + "/d", Message.Type.chat, ping);
                    await().atMost(Duration.ofSeconds(20)).until(() -> bodies(dInbox).contains(ping));
                    String pong = "pong-" + i;
                    send(d, env.jid(carol) + "/c", Message.Type.chat, pong);
                    await().atMost(Duration.ofSeconds(20)).until(() -> bodies(cInbox).contains(pong));
                }
                List<Integer> arrived = floodNumbers(sinkInbox);
                assertThat(arrived.size()).as("flood messages delivered while the others chatted").isLessThan(messages);
                assertThat(arrived).as("the flood arrives in order, none lost")
                        .isEqualTo(IntStream.rangeClosed(1, arrived.size()).boxed().toList());
                assertThat(raw.isOpen()).as("a client over its rate is slowed down, not disconnected").isTrue();

                // and it goes on at its rate: more of the flood arrives, still in order
                int before = arrived.size();
                await().atMost(Duration.ofSeconds(60)).until(() -> floodNumbers(sinkInbox).size() > before + 5);
                List<Integer> later = floodNumbers(sinkInbox);
                assertThat(later).isEqualTo(IntStream.rangeClosed(1, later.size()).boxed().toList());
                assertThat(env.node.c2sStalledConnectionCount()).isZero();
                raw.close(); // ends the flooder's blocked write
                try {
                    writer.get(30, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(IOException.class);
                }
            }
        } finally {
            flooding.shutdownNow();
            assertThat(flooding.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void withTheDefaultsABurstLikeALoginsPassesWithoutAPause() throws Exception {
        // 2,000 messages of about 1.1 KiB at once (2.2 MB: more than a login's roster, offline and archive requests,
        // or an avatar at the largest stanza size) from one client
        int messages = 2000;
        try (NodeWithClients env = node(Map.of())) {
            String alice = env.newUser();
            String bob = env.newUser();
            XMPPTCPConnection a = env.clients.login(alice, "secret", "a");
            XMPPTCPConnection b = env.clients.login(bob, "secret", "b");
            List<Message> bInbox = inbox(b);
            for (int n = 1; n <= messages; n++) {
                send(a, env.jid(bob) + "/b", Message.Type.chat, "f" + n + " " + PADDING);
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> floodNumbers(bInbox).size() == messages);
            assertThat(floodNumbers(bInbox)).isEqualTo(IntStream.rangeClosed(1, messages).boxed().toList());
            assertThat(env.node.c2sInboundPauseCount()).as("pauses for the inbound rate").isZero();
        }
    }
}
