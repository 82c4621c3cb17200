package org.skein.hazelcast.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jxmpp.jid.impl.JidCreate;
import org.skein.XmppServer;
import org.skein.c2s.SmackClients;

/**
 * The direct stanza stream ({@code cluster.stanzaTransport=direct}) between two real nodes with a cluster
 * secret (over TLS, the default): messages cross both ways in order without Hazelcast's executor, and the stanza
 * port refuses what is not a node of the cluster (a wrong secret, garbage) by closing the connection, while the
 * nodes go on.
 */
class DirectStreamIT {

    private static final String SECRET = "the direct stream's secret, 0123456789";

    @TempDir
    static Path dir;

    private static HazelcastNodes nodes;
    private static XmppServer one;
    private static XmppServer two;
    private static int stanzaPortOfTwo;

    @BeforeAll
    static void startTwoNodes() throws Exception {
        nodes = new HazelcastNodes(dir, "one", "two", "three");
        stanzaPortOfTwo = HazelcastNodes.freePort();
        Map<String, String> direct = Map.of("cluster.stanzaTransport", "direct", "cluster.secret", SECRET,
                "db.url", "jdbc:h2:mem:direct-" + UUID.randomUUID());
        one = nodes.start("one", direct);
        Map<String, String> onTwo = new java.util.HashMap<>(direct);
        onTwo.put("cluster.stanzaPort", Integer.toString(stanzaPortOfTwo));
        two = nodes.start("two", onTwo);
        await().atMost(Duration.ofSeconds(60)).until(() -> one.clusterManager().getNodesInfo().size() == 2
                && two.clusterManager().getNodesInfo().size() == 2);
        one.userManager().createUser("alice", "secret", "", "");
        one.userManager().createUser("bob", "secret", "", "");
    }

    @AfterAll
    static void stop() throws Exception {
        if (nodes != null) {
            nodes.close();
        }
    }

    @Test
    void messagesCrossBothWaysInOrderOnTheDirectStreamNotOnHazelcastsExecutor() throws Exception {
        long oneBefore = routerTasksCompleted(one);
        long twoBefore = routerTasksCompleted(two);
        exchange(one, two, "first", 200);
        assertThat(routerTasksCompleted(one)).as("batches node one took through Hazelcast's executor").isEqualTo(oneBefore);
        assertThat(routerTasksCompleted(two)).as("batches node two took through Hazelcast's executor").isEqualTo(twoBefore);
        // what an operator sees: the stream's connections in the meters, the transport on the node page
        assertThat(gauge(one, "out")).as("node one's open connections to other nodes' stanza ports").isGreaterThanOrEqualTo(1);
        assertThat(gauge(two, "in")).as("open connections to node two's stanza port").isGreaterThanOrEqualTo(1);
        Map<String, Object> router = routerPage(one);
        assertThat(router.get("transport")).as("how stanzas reach node one").isEqualTo("direct-tls");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> destinations = (List<Map<String, Object>>) router.get("destinations");
        assertThat(destinations).filteredOn(row -> "two".equals(row.get("node"))).singleElement()
                .satisfies(row -> assertThat(row.get("transport")).isEqualTo("direct-tls"));
    }

    @Test
    void aNodeOnTheHazelcastTransportIsReachedThroughHazelcastAndReachesTheOthers() throws Exception {
        XmppServer three = nodes.start("three", Map.of("cluster.stanzaTransport", "hazelcast", "cluster.secret", SECRET,
                "db.url", one.config().get("db.url").orElseThrow()));
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> one.clusterManager().getNodesInfo().size() == 3
                    && three.clusterManager().getNodesInfo().size() == 3);
            long threeBefore = routerTasksCompleted(three);
            exchange(one, three, "mixed", 50);
            assertThat(routerTasksCompleted(three)).as("node one's batches came to node three through Hazelcast's executor")
                    .isGreaterThan(threeBefore);
        } finally {
            nodes.stop("three");
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> one.clusterManager().getNodesInfo().size() == 2);
        exchange(one, two, "after three left", 20);
    }

    @Test
    void aConnectionThatCannotProveTheSecretIsClosedAndTheNodesGoOn() throws Exception {
        try (javax.net.ssl.SSLSocket socket = tlsToTwo()) {
            assertThat(socket.getSession().getProtocol()).as("the stanza port speaks TLS 1.3").isEqualTo("TLSv1.3");
            byte[] binding = java.security.MessageDigest.getInstance("SHA-256").digest(socket.getSession().getPeerCertificates()[0].getEncoded());
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] clientNonce = nonce();
            ByteBuffer hello = ByteBuffer.allocate(1 + 4 + 4 + 3 + 4 + 32);
            hello.put((byte) 1).putInt(0x534B4431).putInt(3).put("one".getBytes(StandardCharsets.US_ASCII)).putInt(32).put(clientNonce);
            frame(out, hello.array());
            // node two answers the greeting with its challenge
            byte[] challenge = new byte[in.readInt()];
            in.readFully(challenge);
            ByteBuffer c = ByteBuffer.wrap(challenge);
            assertThat(c.get()).as("frame type CHALLENGE").isEqualTo((byte) 2);
            byte[] serverNode = new byte[c.getInt()];
            c.get(serverNode);
            assertThat(new String(serverNode, StandardCharsets.UTF_8)).isEqualTo("two");
            byte[] serverNonce = new byte[c.getInt()];
            c.get(serverNonce);
            // a proof under another secret
            byte[] proof = hmac("not the cluster's secret at all", "skein-stanza-stream/1\nclient\none\ntwo\n"
                    + Base64.getEncoder().encodeToString(clientNonce) + "\n" + Base64.getEncoder().encodeToString(serverNonce) + "\n"
                    + Base64.getEncoder().encodeToString(binding));
            ByteBuffer auth = ByteBuffer.allocate(1 + 4 + proof.length);
            auth.put((byte) 3).putInt(proof.length).put(proof);
            double refusedBefore = refused(two, "secret");
            frame(out, auth.array());
            assertClosedByTheNode(socket);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(refused(two, "secret")).as("connections to node two refused for the secret").isEqualTo(refusedBefore + 1));
        }
        exchange(one, two, "after a wrong secret", 20);
    }

    @Test
    void garbageOnTheStanzaPortIsRefusedAndTheNodesGoOn() throws Exception {
        double garbageBefore = refused(two, "garbage");
        try (Socket socket = connectToTwo()) {
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: two\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            assertClosedByTheNode(socket);
        }
        try (Socket socket = connectToTwo()) {
            // a well-formed frame that is not a greeting
            frame(new DataOutputStream(socket.getOutputStream()), "<stream:stream>".getBytes(StandardCharsets.US_ASCII));
            assertClosedByTheNode(socket);
        }
        try (Socket socket = connectToTwo()) {
            // a batch before any handshake
            ByteBuffer batch = ByteBuffer.allocate(9);
            batch.put((byte) 16).putLong(1);
            frame(new DataOutputStream(socket.getOutputStream()), batch.array());
            assertClosedByTheNode(socket);
        }
        // counted when the node handles the failure, which may come just after the socket closed
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(refused(two, "garbage")).as("connections to node two refused as garbage").isEqualTo(garbageBefore + 3));
        exchange(one, two, "after garbage", 20);
    }

    // --- helpers ---

    private static double gauge(XmppServer node, String direction) {
        return node.meterRegistry().get("skein.cluster.stream.connections").tag("direction", direction).gauge().value();
    }

    private static double refused(XmppServer node, String reason) {
        var counter = node.meterRegistry().find("skein.cluster.stream.refused").tags("direction", "in", "reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    /** The node page's router section, as the admin console shows it. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> routerPage(XmppServer node) {
        org.skein.plugin.AdminPageModel page = (org.skein.plugin.AdminPageModel) HazelcastNodes.plugin(node).plugin();
        return (Map<String, Object>) page.model("hazelcast-node", Map.of(), java.util.Locale.ENGLISH).get("router");
    }

    /** Alice on {@code one} and Bob on {@code two} send each other {@code count} messages; each side gets all, in order. */
    private static void exchange(XmppServer one, XmppServer two, String label, int count) throws Exception {
        try (SmackClients onOne = new SmackClients(one); SmackClients onTwo = new SmackClients(two)) {
            XMPPTCPConnection alice = onOne.login("alice", "secret", "phone");
            XMPPTCPConnection bob = onTwo.login("bob", "secret", "desk");
            List<String> toBob = inbox(bob);
            List<String> toAlice = inbox(alice);
            await().atMost(Duration.ofSeconds(30)).until(() -> one.routingTable().clientRoute(new org.xmpp.packet.JID("bob@"
                    + one.xmppDomain() + "/desk")) != null && two.routingTable().clientRoute(new org.xmpp.packet.JID("alice@"
                    + two.xmppDomain() + "/phone")) != null);
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                expected.add(label + " " + i);
                send(alice, "bob@" + one.xmppDomain() + "/desk", label + " " + i);
                send(bob, "alice@" + two.xmppDomain() + "/phone", label + " " + i);
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> toBob.size() >= count && toAlice.size() >= count);
            assertThat(toBob).containsExactlyElementsOf(expected);
            assertThat(toAlice).containsExactlyElementsOf(expected);
        }
    }

    private static List<String> inbox(XMPPTCPConnection connection) {
        List<String> bodies = new CopyOnWriteArrayList<>();
        connection.addSyncStanzaListener(s -> bodies.add(((Message) s).getBody()), s -> s instanceof Message m && m.getBody() != null);
        return bodies;
    }

    private static void send(XMPPTCPConnection from, String to, String body) throws Exception {
        from.sendStanza(from.getStanzaFactory().buildMessageStanza().to(JidCreate.from(to)).ofType(Message.Type.chat).setBody(body).build());
    }

    private static Socket connectToTwo() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", stanzaPortOfTwo), 10_000);
        // a guard, not a timing: the node closes at once; a node that never closes fails the test
        socket.setSoTimeout(60_000);
        return socket;
    }

    /** A TLS connection to node two's stanza port that accepts its certificate (the handshake's proofs bind it). */
    private static javax.net.ssl.SSLSocket tlsToTwo() throws Exception {
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLSv1.3");
        context.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
            @Override
            public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {
            }

            @Override
            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
            }
        }}, new SecureRandom());
        Socket plain = connectToTwo();
        javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) context.getSocketFactory().createSocket(plain, "127.0.0.1",
                stanzaPortOfTwo, true);
        socket.setSoTimeout(60_000);
        socket.startHandshake();
        return socket;
    }

    private static void assertClosedByTheNode(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        try {
            int read;
            do {
                read = in.read(new byte[256]);
            } while (read > 0);
            assertThat(read).as("end of stream: the node closed the connection").isEqualTo(-1);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("node two kept a connection open that sent what no node sends", e);
        } catch (java.net.SocketException e) {
            // a reset: closed too
        }
    }

    private static void frame(DataOutputStream out, byte[] payload) throws IOException {
        out.writeInt(payload.length);
        out.write(payload);
        out.flush();
    }

    private static byte[] nonce() {
        byte[] nonce = new byte[32];
        new SecureRandom().nextBytes(nonce);
        return nonce;
    }

    private static byte[] hmac(String secret, String text) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
    }

    /** How many tasks the node's packet-router executor in Hazelcast completed (Hazelcast's classes are the plugin's: reflection). */
    private static long routerTasksCompleted(XmppServer node) throws Exception {
        Object plugin = HazelcastNodes.plugin(node).plugin();
        Object provider = plugin.getClass().getMethod("provider").invoke(plugin);
        Object member = provider.getClass().getMethod("hazelcastInstance").invoke(provider);
        ClassLoader loader = member.getClass().getClassLoader();
        Object executor = Class.forName("com.hazelcast.core.HazelcastInstance", false, loader).getMethod("getExecutorService", String.class)
                .invoke(member, "skein-packet-router");
        Object stats = Class.forName("com.hazelcast.core.IExecutorService", false, loader).getMethod("getLocalExecutorStats")
                .invoke(executor);
        return (Long) Class.forName("com.hazelcast.executor.LocalExecutorStats", false, loader).getMethod("getCompletedTaskCount")
                .invoke(stats);
    }
}
