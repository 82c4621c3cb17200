package org.skein.c2s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, item 3, from outside: silent and trickling connections, floods from one address and from
 * many. Each test starts its own node with small limits, opens raw sockets from 127.0.0.x addresses
 * (Linux routes the whole 127/8 to the loopback), and checks what a client sees, how many
 * connections the node holds and how many file descriptors the process has: bounds, not times.
 */
class ConnectionLimitsTest {

    private static NodeWithClients node(Map<String, String> limits) throws Exception {
        Map<String, String> config = new HashMap<>(limits);
        config.put("xmpp.sasl.plain.allowUnencrypted", "true");
        return new NodeWithClients(config);
    }

    private static InetAddress loopback(int last) throws IOException {
        return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last});
    }

    private static long openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    private static int nodeConnections(NodeWithClients env) {
        return env.node.c2sConnectionCount();
    }

    /** Closes the clients the server has closed; returns how many are still open. */
    private static int dropClosed(List<RawClient> clients) throws IOException {
        int open = 0;
        for (RawClient client : clients) {
            if (client.isOpen()) {
                open++;
            } else {
                client.close();
            }
        }
        return open;
    }

    private static void closeAll(List<RawClient> clients) {
        for (RawClient client : clients) {
            try {
                client.close();
            } catch (IOException e) {
                // closing a test socket
            }
        }
    }

    @Test
    void silentAndTricklingConnectionsAreClosedAtTheLoginDeadlineButSessionsStay() throws Exception {
        try (NodeWithClients env = node(Map.of("xmpp.c2s.loginTimeout", "2s"))) {
            String user = env.newUser();
            try (RawClient silent = new RawClient(env.node.c2sPort());
                 RawClient trickling = new RawClient(env.node.c2sPort());
                 RawClient authenticatedButUnbound = new RawClient(env.node.c2sPort());
                 RawClient loggedIn = new RawClient(env.node.c2sPort())) {
                loggedIn.login(user, "secret", "stays");
                authenticatedButUnbound.send(RawClient.header());
                authenticatedButUnbound.await("</stream:features>");
                authenticatedButUnbound.authPlain(user, "secret");
                authenticatedButUnbound.await("<success");
                String header = RawClient.header();
                int sent = 0;
                while (trickling.isOpen() && sent < header.length()) {
                    trickling.send(header.substring(sent, sent + 1)); // one byte at a time, as slowly as the reads allow
                    sent++;
                    trickling.isOpen();
                }
                assertThat(trickling.awaitClose(Duration.ofSeconds(30))).contains(RawClient.streamError("policy-violation"))
                        .contains("log in within 2 s");
                assertThat(silent.awaitClose(Duration.ofSeconds(30))).startsWith("<?xml version='1.0'?><stream:stream")
                        .contains(RawClient.streamError("policy-violation"));
                assertThat(authenticatedButUnbound.awaitClose(Duration.ofSeconds(30))).contains(RawClient.streamError("policy-violation"));
                loggedIn.send("<iq type='get' id='alive'><ping xmlns='urn:xmpp:ping'/></iq>");
                assertThat(loggedIn.await("id=\"alive\"")).contains("type=\"result\"");
            }
        }
    }

    @Test
    void aFloodOfSilentConnectionsFromOneAddressIsCappedAndOthersStillLogIn() throws Exception {
        try (NodeWithClients env = node(Map.of("xmpp.c2s.maxPendingLoginsPerAddress", "20", "xmpp.c2s.connectionRate", "-1"))) {
            String user = env.newUser();
            long before = openDescriptors();
            List<RawClient> flood = new ArrayList<>();
            try {
                for (int i = 0; i < 300; i++) {
                    flood.add(new RawClient(env.node.c2sPort(), loopback(2)));
                }
                // the node refuses all but 20 with a stream error and closes them; the test closes its ends
                await().atMost(Duration.ofSeconds(60)).until(() -> dropClosed(flood) <= 20);
                await().atMost(Duration.ofSeconds(30)).until(() -> nodeConnections(env) <= 20);
                assertThat(env.node.c2sPendingLoginCount()).isLessThanOrEqualTo(20);
                // each connection still open costs two descriptors in this JVM (the node's end and the test's)
                assertThat(openDescriptors() - before).isLessThanOrEqualTo(2L * 20 + 10);

                XMPPTCPConnection real = env.clients.login(user, "secret", "real");
                assertThat(real.isAuthenticated()).isTrue();
                try (RawClient sameAddress = new RawClient(env.node.c2sPort(), loopback(2))) {
                    assertThat(sameAddress.awaitClose(Duration.ofSeconds(20))).contains(RawClient.streamError("policy-violation"))
                            .contains("too many logins in progress from your address");
                }
                try (RawClient otherAddress = new RawClient(env.node.c2sPort(), loopback(3))) {
                    otherAddress.login(user, "secret", "raw");
                    otherAddress.send("<iq type='get' id='p'><ping xmlns='urn:xmpp:ping'/></iq>");
                    assertThat(otherAddress.await("id=\"p\"")).contains("type=\"result\"");
                }
            } finally {
                closeAll(flood);
            }
        }
    }

    @Test
    void whenEveryLoginSlotIsTakenANewClientPushesOutTheOldestSilentOne() throws Exception {
        try (NodeWithClients env = node(Map.of("xmpp.c2s.maxPendingLogins", "30", "xmpp.c2s.maxPendingLoginsPerAddress", "10",
                "xmpp.c2s.connectionRate", "-1"))) {
            String user = env.newUser();
            long before = openDescriptors();
            List<RawClient> flood = new ArrayList<>();
            try {
                for (int address = 10; address < 20; address++) {
                    for (int i = 0; i < 10; i++) {
                        flood.add(new RawClient(env.node.c2sPort(), loopback(address)));
                    }
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> dropClosed(flood) <= 30);
                await().atMost(Duration.ofSeconds(30)).until(() -> nodeConnections(env) <= 30);
                assertThat(openDescriptors() - before).isLessThanOrEqualTo(2L * 30 + 10);
                assertThat(flood.get(0).received()).contains(RawClient.streamError("resource-constraint"));

                XMPPTCPConnection real = env.clients.login(user, "secret", "real");
                assertThat(real.isAuthenticated()).isTrue();
                assertThat(env.node.c2sPendingLoginCount()).isLessThanOrEqualTo(30);
            } finally {
                closeAll(flood);
            }
        }
    }

    @Test
    void oneAddressMayOpenOnlyItsBurstAtOnce() throws Exception {
        // a rate of one connection per 1000 s: after the burst of 5 nothing is refilled while the test runs
        try (NodeWithClients env = node(Map.of("xmpp.c2s.connectionRate", "0.001", "xmpp.c2s.connectionBurst", "5"))) {
            List<RawClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 12; i++) {
                    clients.add(new RawClient(env.node.c2sPort(), loopback(4)));
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> dropClosed(clients) <= 5);
                long refused = clients.stream().filter(c -> c.received().contains("opens connections too often")).count();
                assertThat(refused).isGreaterThanOrEqualTo(7);
                try (RawClient elsewhere = new RawClient(env.node.c2sPort(), loopback(5))) {
                    elsewhere.send(RawClient.header());
                    assertThat(elsewhere.await("</stream:features>")).doesNotContain("stream:error");
                }
            } finally {
                closeAll(clients);
            }
        }
    }

    @Test
    void connectionsPerAddressAndForTheNodeAreCapped() throws Exception {
        try (NodeWithClients env = node(Map.of("xmpp.c2s.maxConnectionsPerAddress", "3", "xmpp.c2s.maxConnections", "5",
                "xmpp.c2s.connectionRate", "-1"))) {
            String user = env.newUser();
            List<RawClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    RawClient client = new RawClient(env.node.c2sPort(), loopback(6));
                    client.login(user, "secret", "r" + i);
                    clients.add(client);
                }
                try (RawClient fourth = new RawClient(env.node.c2sPort(), loopback(6))) {
                    assertThat(fourth.awaitClose(Duration.ofSeconds(20))).contains("too many connections from your address");
                }
                for (int i = 0; i < 2; i++) {
                    RawClient client = new RawClient(env.node.c2sPort(), loopback(7));
                    client.login(user, "secret", "s" + i);
                    clients.add(client);
                }
                try (RawClient sixth = new RawClient(env.node.c2sPort(), loopback(8))) {
                    assertThat(sixth.awaitClose(Duration.ofSeconds(20))).contains("as many connections as it takes");
                }
                clients.remove(0).close();
                await().atMost(Duration.ofSeconds(20)).until(() -> nodeConnections(env) <= 4);
                try (RawClient again = new RawClient(env.node.c2sPort(), loopback(8))) {
                    again.login(user, "secret", "again");
                    again.send("<iq type='get' id='p'><ping xmlns='urn:xmpp:ping'/></iq>");
                    assertThat(again.await("id=\"p\"")).contains("type=\"result\"");
                }
            } finally {
                closeAll(clients);
            }
        }
    }

    @Test
    void exemptAddressesSkipThePerAddressLimits() throws Exception {
        try (NodeWithClients env = node(Map.of("xmpp.c2s.maxPendingLoginsPerAddress", "2", "xmpp.c2s.limitsExempt", "127.0.0.8/30"))) {
            List<RawClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 6; i++) {
                    RawClient client = new RawClient(env.node.c2sPort(), loopback(9));
                    client.send(RawClient.header());
                    assertThat(client.await("</stream:features>")).doesNotContain("stream:error");
                    clients.add(client);
                }
            } finally {
                closeAll(clients);
            }
        }
    }
}
