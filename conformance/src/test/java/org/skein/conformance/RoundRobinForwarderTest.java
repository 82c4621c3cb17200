package org.skein.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The front with plain sockets as backends: each backend says its number, then echoes what it reads.
 * (No half-closed connections: XMPP closes both directions at once, and so does the front.)
 */
class RoundRobinForwarderTest {

    private final List<ServerSocket> backends = new ArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stop() throws Exception {
        for (ServerSocket backend : backends) {
            backend.close();
        }
        threads.shutdownNow();
        assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    private InetSocketAddress echoBackend(int number) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        backends.add(server);
        threads.execute(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    threads.execute(() -> echo(socket, number));
                } catch (IOException e) {
                    return;
                }
            }
        });
        return new InetSocketAddress("127.0.0.1", server.getLocalPort());
    }

    private static void echo(Socket socket, int number) {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            out.write(number);
            out.flush();
            in.transferTo(out);
        } catch (IOException e) {
            // the client went away
        }
    }

    @Test
    void connectionsGoToTheBackendsInTurnAndBytesPassBothWaysUnchanged() throws Exception {
        List<InetSocketAddress> addresses = List.of(echoBackend(0), echoBackend(1), echoBackend(2));
        byte[] payload = new byte[1 << 20];
        new Random(7).nextBytes(payload);

        try (RoundRobinForwarder front = RoundRobinForwarder.start(addresses)) {
            List<Integer> reached = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                try (Socket client = new Socket("127.0.0.1", front.port())) {
                    client.setSoTimeout(60_000);
                    DataInputStream in = new DataInputStream(client.getInputStream());
                    reached.add(in.read());
                    if (i == 0) {
                        Thread writer = new Thread(() -> {
                            try {
                                client.getOutputStream().write(payload);
                            } catch (IOException e) {
                                // the read below fails then
                            }
                        });
                        writer.start();
                        byte[] echoed = new byte[payload.length];
                        in.readFully(echoed);
                        writer.join();
                        assertThat(echoed).isEqualTo(payload);
                    }
                }
            }

            assertThat(reached).containsExactly(0, 1, 2, 0);
            assertThat(front.connections()).containsExactly(addresses.get(0), addresses.get(1), addresses.get(2), addresses.get(0));
        }
    }

    @Test
    void aClientIsClosedWhenItsBackendCannotBeReached() throws Exception {
        InetSocketAddress gone;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            gone = new InetSocketAddress("127.0.0.1", closed.getLocalPort());
        }
        try (RoundRobinForwarder front = RoundRobinForwarder.start(List.of(gone));
             Socket client = new Socket("127.0.0.1", front.port())) {
            client.setSoTimeout(60_000);
            assertThat(client.getInputStream().read()).isEqualTo(-1);
        }
    }
}
