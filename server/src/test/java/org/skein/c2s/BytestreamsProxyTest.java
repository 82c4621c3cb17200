package org.skein.c2s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import org.jivesoftware.smack.XMPPException.XMPPErrorException;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.bytestreams.socks5.packet.Bytestream;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.jivesoftware.smackx.disco.packet.DiscoverInfo;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;

/**
 * The SOCKS5 bytestreams proxy (XEP-0065) seen from the wire: what clients discover, the relay's
 * SOCKS5 handshake, pairing by digest, activation by the initiator, and what it does with bad input.
 */
class BytestreamsProxyTest {

    private static final Map<String, String> PROXY = Map.of("xmpp.proxy65.enabled", "true", "xmpp.proxy65.port", "0");

    @Test
    void theProxyIsDiscoveredAndAnnouncesTheNodesRelay() throws Exception {
        try (NodeWithClients env = new NodeWithClients(PROXY)) {
            XMPPTCPConnection alice = env.clients.login(env.newUser(), "secret", "phone");
            ServiceDiscoveryManager disco = ServiceDiscoveryManager.getInstanceFor(alice);

            assertThat(disco.discoverItems(JidCreate.domainBareFrom("localhost")).getItems())
                    .extracting(item -> item.getEntityID().toString()).contains("proxy.localhost");
            DiscoverInfo info = disco.discoverInfo(JidCreate.from("proxy.localhost"));
            assertThat(info.hasIdentity("proxy", "bytestreams")).isTrue();
            assertThat(info.containsFeature("http://jabber.org/protocol/bytestreams")).isTrue();

            Bytestream.StreamHost host = streamHost(alice);
            assertThat(host.getJID().toString()).isEqualTo("proxy.localhost");
            assertThat(host.getAddress().toString()).isEqualTo("127.0.0.1");
            assertThat(host.getPort()).isPositive();
        }
    }

    @Test
    void theRelayLinksTwoConnectionsWithTheSameDigestOnceTheInitiatorActivatesTheStream() throws Exception {
        try (NodeWithClients env = new NodeWithClients(PROXY)) {
            XMPPTCPConnection alice = env.clients.login(env.newUser(), "secret", "phone");
            XMPPTCPConnection bob = env.clients.login(env.newUser(), "secret", "desk");
            int port = streamHost(alice).getPort();
            String sid = "s1";
            String digest = digest(sid, alice.getUser().toString(), bob.getUser().toString());

            try (Socket target = socks5(port, digest); Socket initiator = socks5(port, digest)) {
                // a third connection for the same stream is refused
                try (Socket third = new Socket("127.0.0.1", port)) {
                    assertThat(connectReply(third, digest)).as("SOCKS5 reply status").isEqualTo(0x02);
                    assertThat(third.getInputStream().read()).as("closed").isEqualTo(-1);
                }
                // sent before activation: held by the relay, relayed once the stream is active
                target.getOutputStream().write("from the target".getBytes(StandardCharsets.US_ASCII));

                alice.createStanzaCollectorAndSend(activation(alice, sid, bob.getUser())).nextResultOrThrow();

                assertThat(read(initiator, 15)).isEqualTo("from the target");
                initiator.getOutputStream().write("from the initiator".getBytes(StandardCharsets.US_ASCII));
                assertThat(read(target, 18)).isEqualTo("from the initiator");

                initiator.close();
                assertThat(target.getInputStream().read()).as("closed with its partner").isEqualTo(-1);
            }
        }
    }

    @Test
    void activatingAStreamThatIsNotConnectedIsItemNotFound() throws Exception {
        try (NodeWithClients env = new NodeWithClients(PROXY)) {
            XMPPTCPConnection alice = env.clients.login(env.newUser(), "secret", "phone");
            XMPPTCPConnection bob = env.clients.login(env.newUser(), "secret", "desk");
            int port = streamHost(alice).getPort();
            try (Socket onlyOne = socks5(port, digest("s2", alice.getUser().toString(), bob.getUser().toString()))) {
                assertThatThrownBy(() -> alice.createStanzaCollectorAndSend(activation(alice, "s2", bob.getUser())).nextResultOrThrow())
                        .isInstanceOfSatisfying(XMPPErrorException.class, e ->
                                assertThat(e.getStanzaError().getCondition()).isEqualTo(StanzaError.Condition.item_not_found));
                // bob cannot activate alice's stream: the digest names the initiator
                assertThatThrownBy(() -> bob.createStanzaCollectorAndSend(activation(bob, "s2", bob.getUser())).nextResultOrThrow())
                        .isInstanceOf(XMPPErrorException.class);
            }
        }
    }

    @Test
    void somethingElseThanSocks5OnTheRelaysPortIsClosedAndTheRelayGoesOn() throws Exception {
        try (NodeWithClients env = new NodeWithClients(PROXY)) {
            XMPPTCPConnection alice = env.clients.login(env.newUser(), "secret", "phone");
            int port = streamHost(alice).getPort();
            try (Socket http = new Socket("127.0.0.1", port)) {
                http.setSoTimeout(60_000);
                http.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(http.getInputStream().readAllBytes()).as("anything before the close").hasSizeLessThan(16);
            }
            try (Socket notADigest = new Socket("127.0.0.1", port)) {
                assertThat(connectReply(notADigest, "not a digest")).as("SOCKS5 reply status").isNotZero();
            }
            try (Socket fine = socks5(port, digest("s3", "a@localhost/x", "b@localhost/y"))) {
                assertThat(fine.isConnected()).isTrue();
            }
        }
    }

    @Test
    void withoutTheKeyTheServerOffersNoProxy() throws Exception {
        try (NodeWithClients env = new NodeWithClients(Map.of())) {
            XMPPTCPConnection alice = env.clients.login(env.newUser(), "secret", "phone");
            assertThat(ServiceDiscoveryManager.getInstanceFor(alice).discoverItems(JidCreate.domainBareFrom("localhost")).getItems())
                    .extracting(item -> item.getEntityID().toString()).doesNotContain("proxy.localhost");
        }
    }

    private static Bytestream.StreamHost streamHost(XMPPTCPConnection client) throws Exception {
        Bytestream query = new Bytestream();
        query.setType(IQ.Type.get);
        query.setTo(JidCreate.from("proxy.localhost"));
        Bytestream answer = client.createStanzaCollectorAndSend(query).nextResultOrThrow();
        assertThat(answer.getStreamHosts()).hasSize(1);
        return answer.getStreamHosts().get(0);
    }

    private static Bytestream activation(XMPPTCPConnection initiator, String sid, Jid target) throws Exception {
        Bytestream activate = new Bytestream(sid);
        activate.setType(IQ.Type.set);
        activate.setTo(JidCreate.from("proxy.localhost"));
        activate.setToActivate(target);
        return activate;
    }

    static String digest(String sid, String initiator, String target) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                .digest((sid + initiator + target).getBytes(StandardCharsets.UTF_8)));
    }

    /** A connection to the relay that completed the SOCKS5 handshake for this digest. */
    private static Socket socks5(int port, String digest) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(60_000);
        int status = connectReply(socket, digest);
        assertThat(status).as("SOCKS5 reply status").isZero();
        return socket;
    }

    /**
     * Greets with "no authentication", asks to CONNECT to the digest as a domain name on port 0
     * (XEP-0065 section 5.3.2), reads the reply to the greeting and the reply to CONNECT.
     *
     * @return the CONNECT reply's status (0 = succeeded), or -1 if the relay closed the connection
     */
    private static int connectReply(Socket socket, String digest) throws IOException {
        socket.setSoTimeout(60_000);
        OutputStream out = socket.getOutputStream();
        DataInputStream in = new DataInputStream(socket.getInputStream());
        out.write(new byte[] {5, 1, 0});
        byte[] greeting = new byte[2];
        in.readFully(greeting);
        assertThat(greeting).containsExactly(5, 0);
        byte[] address = digest.getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[7 + address.length];
        request[0] = 5;
        request[1] = 1;
        request[3] = 3;
        request[4] = (byte) address.length;
        System.arraycopy(address, 0, request, 5, address.length);
        out.write(request);
        int version = in.read();
        if (version == -1) {
            return -1;
        }
        int status = in.read();
        in.read(); // reserved
        int type = in.read();
        if (type == 3) {
            in.readFully(new byte[in.read() + 2]);
        } else if (type == 1) {
            in.readFully(new byte[6]);
        }
        return status;
    }

    private static String read(Socket socket, int length) throws IOException {
        byte[] bytes = new byte[length];
        new DataInputStream(socket.getInputStream()).readFully(bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
