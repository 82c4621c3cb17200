package org.skein.c2s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.bytestreams.socks5.Socks5Proxy;
import org.jivesoftware.smackx.filetransfer.FileTransfer;
import org.jivesoftware.smackx.filetransfer.FileTransferManager;
import org.jivesoftware.smackx.filetransfer.FileTransferNegotiator;
import org.jivesoftware.smackx.filetransfer.OutgoingFileTransfer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.skein.XmppServer;
import org.skein.testing.ClusteredNodes;

/**
 * File transfer between two users as Smack's integration test suite does it: stream initiation
 * (XEP-0096), then the method the receiver picks, SOCKS5 bytestreams (XEP-0065) when offered, else
 * in-band bytestreams (XEP-0047). The server routes the IQs between the two full JIDs and, with
 * {@code xmpp.proxy65.enabled}, relays the SOCKS5 stream.
 *
 * <p>Smack's own SOCKS5 server stays off in these tests: on a loopback connection Smack 4.5 announces
 * no address of its own (it leaves out loopback addresses), so the sender's only streamhost is the
 * server's proxy. That is how Smack's integration test suite met Skein, and how a sender behind NAT
 * meets any server.
 */
class FileTransferTest {

    private static final Map<String, String> PROXY = Map.of("xmpp.proxy65.enabled", "true", "xmpp.proxy65.port", "0");

    @TempDir
    Path dir;

    @BeforeAll
    static void noStreamhostOfTheSendersOwn() {
        Socks5Proxy.setLocalSocks5ProxyEnabled(false);
    }

    @AfterAll
    static void smacksDefaults() {
        Socks5Proxy.setLocalSocks5ProxyEnabled(true);
    }

    @AfterEach
    void bothMethodsAgain() {
        FileTransferNegotiator.IBB_ONLY = false;
    }

    @Test
    void aFileGoesInBandWhenOnlyInBandBytestreamsAreOffered() throws Exception {
        FileTransferNegotiator.IBB_ONLY = true;
        try (NodeWithClients env = new NodeWithClients(Map.of())) {
            String alice = env.newUser();
            String bob = env.newUser();
            Transfer transfer = send(env.clients.login(alice, "secret", "phone"), env.clients.login(bob, "secret", "desk"));
            assertThat(transfer.received()).isEqualTo(transfer.data);
            assertThat(transfer.status()).isEqualTo(FileTransfer.Status.complete);
        }
    }

    @Test
    void withoutTheServersProxyASenderWithNoAddressOfItsOwnCannotSendOverSocks5() throws Exception {
        try (NodeWithClients env = new NodeWithClients(Map.of())) {
            String alice = env.newUser();
            String bob = env.newUser();
            Transfer transfer = send(env.clients.login(alice, "secret", "phone"), env.clients.login(bob, "secret", "desk"));
            await().atMost(Duration.ofSeconds(60)).until(transfer.out::isDone);
            // what Smack's integration test suite saw: the receiver chose SOCKS5, the sender found no streamhost
            assertThat(transfer.status()).isEqualTo(FileTransfer.Status.error);
            assertThat(transfer.out.getException()).hasStackTraceContaining("no SOCKS5 proxies available");
        }
    }

    @Test
    void aFileGoesThroughTheServersSocks5Proxy() throws Exception {
        try (NodeWithClients env = new NodeWithClients(PROXY)) {
            String alice = env.newUser();
            String bob = env.newUser();
            Transfer transfer = send(env.clients.login(alice, "secret", "phone"), env.clients.login(bob, "secret", "desk"));
            assertThat(transfer.received()).isEqualTo(transfer.data);
            assertThat(transfer.status()).isEqualTo(FileTransfer.Status.complete);
        }
    }

    @Test
    void aFileGoesThroughTheSendersNodesProxyToAReceiverOnAnotherNode() throws Exception {
        try (ClusteredNodes nodes = new ClusteredNodes(dir)) {
            XmppServer one = nodes.start("one", PROXY);
            XmppServer two = nodes.start("two", PROXY);
            ClusterFixtures.users(one, "alice", "bob");
            try (SmackClients onOne = new SmackClients(one); SmackClients onTwo = new SmackClients(two)) {
                XMPPTCPConnection alice = onOne.login("alice", "secret", "phone");
                XMPPTCPConnection bob = onTwo.login("bob", "secret", "desk");
                Transfer transfer = send(alice, bob);
                assertThat(transfer.received()).isEqualTo(transfer.data);
                assertThat(transfer.status()).isEqualTo(FileTransfer.Status.complete);
            }
        }
    }

    /** A transfer of 100 KiB from one client to the other, whose receiver accepts it at once. */
    private static Transfer send(XMPPTCPConnection from, XMPPTCPConnection to) throws Exception {
        byte[] data = new byte[100 * 1024];
        new Random(10).nextBytes(data);
        CompletableFuture<byte[]> received = new CompletableFuture<>();
        FileTransferManager.getInstanceFor(to).addFileTransferListener(request -> {
            try (InputStream in = request.accept().receiveFile()) {
                received.complete(in.readAllBytes());
            } catch (Exception e) {
                received.completeExceptionally(e);
            }
        });
        OutgoingFileTransfer out = FileTransferManager.getInstanceFor(from).createOutgoingFileTransfer(to.getUser());
        out.sendStream(new ByteArrayInputStream(data), "hello.bin", data.length, "a greeting");
        return new Transfer(data, out, received);
    }

    private record Transfer(byte[] data, OutgoingFileTransfer out, CompletableFuture<byte[]> arrived) {

        /** What the receiver read, once it has read it all (or the sender gave up). */
        byte[] received() throws Exception {
            await().atMost(Duration.ofSeconds(60)).until(() -> arrived.isDone() || out.getStatus() == FileTransfer.Status.error);
            assertThat(out.getException()).as("the sender's error").isNull();
            return arrived.get();
        }

        FileTransfer.Status status() {
            await().atMost(Duration.ofSeconds(60)).until(out::isDone);
            return out.getStatus();
        }
    }
}
