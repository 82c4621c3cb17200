package org.skein.hazelcast.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.skein.XmppServer;
import org.skein.cluster.ClusterNodeInfo;

/**
 * Raw TCP connections to a node's cluster port that never complete a handshake (silent ones, and ones
 * that send only Hazelcast's protocol header) are closed by the node once {@code hazelcast.handshake.timeout}
 * has passed; the node stays a member that others join as usual.
 */
class IdleClusterConnectionsIT {

    private static final int SILENT = 40;

    @TempDir
    Path dir;

    @Test
    void connectionsWithoutAHandshakeAreClosed() throws Exception {
        List<Socket> sockets = new ArrayList<>();
        try (HazelcastNodes nodes = new HazelcastNodes(dir, "one", "two")) {
            XmppServer one = nodes.start("one", Map.of("hazelcast.handshake.timeout", "2s"));
            try {
                for (int i = 0; i < SILENT; i++) {
                    sockets.add(connect(nodes.port("one")));
                }
                Socket headerOnly = connect(nodes.port("one"));
                headerOnly.getOutputStream().write("HZC".getBytes(StandardCharsets.US_ASCII));
                headerOnly.getOutputStream().flush();
                sockets.add(headerOnly);

                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                        .untilAsserted(() -> assertThat(sockets).allMatch(IdleClusterConnectionsIT::closedByPeer));

                // a real member still joins
                nodes.start("two");
                await().atMost(Duration.ofSeconds(60)).until(() -> one.clusterManager().getNodesInfo().stream()
                        .map(ClusterNodeInfo::nodeId).map(Object::toString).toList().contains("two"));
            } finally {
                for (Socket socket : sockets) {
                    socket.close();
                }
            }
        }
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        socket.setSoTimeout(20);
        return socket;
    }

    /** Whether the node closed the connection: a read sees the end of the stream or a reset. */
    private static boolean closedByPeer(Socket socket) {
        try {
            return socket.getInputStream().read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset by the node
        }
    }
}
