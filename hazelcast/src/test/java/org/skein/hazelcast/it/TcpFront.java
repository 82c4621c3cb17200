package org.skein.hazelcast.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A plain TCP front, as a load balancer in front of a cluster's client ports: it listens on a free port of
 * 127.0.0.1 and relays each connection it accepts, byte for byte (STARTTLS passes through), to the port it
 * points at when the connection comes in. A test points it at another node to make a client's next connection
 * land there. When either side closes, the other is closed too (a client that drops its connection looks to
 * the node like a connection lost). {@link #close()} ends its threads and every connection.
 */
final class TcpFront implements AutoCloseable {

    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private volatile int target;
    private volatile boolean closed;
    /** While set, bytes from the nodes are held back, unsent (a client that receives nothing and so acknowledges nothing). */
    private volatile boolean holding;
    private final Object gate = new Object();

    TcpFront(int target) throws IOException {
        this.target = target;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        start("accept", this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    /**
     * Stops passing on what the nodes send to the clients: it is read from the node and held back. When the client's side
     * closes, what was held is dropped (the client never saw it).
     */
    void holdToClients() {
        holding = true;
    }

    /** Passes on what the nodes send again (nothing held back is dropped while the connection lives). */
    void release() {
        synchronized (gate) {
            holding = false;
            gate.notifyAll();
        }
    }

    /** New connections go to this port of 127.0.0.1 from now on; open ones stay where they are. */
    void pointAt(int port) {
        this.target = port;
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket node = new Socket(InetAddress.getLoopbackAddress(), target);
                sockets.add(client);
                sockets.add(node);
                start("to node", () -> pump(client, node, false));
                start("to client", () -> pump(node, client, true));
            } catch (IOException e) {
                if (!closed) {
                    continue;
                }
                return;
            }
        }
    }

    private void pump(Socket from, Socket to, boolean toClient) {
        byte[] buffer = new byte[8192];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                if (toClient) {
                    awaitRelease(to);
                }
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException e) {
            // one side closed: both go
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void awaitRelease(Socket to) throws IOException {
        synchronized (gate) {
            while (holding && !to.isClosed() && !closed) {
                try {
                    gate.wait(50); // also wakes to see the client's side closed
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
        }
        if (to.isClosed() || closed) {
            throw new IOException("the client's side closed while bytes were held back");
        }
    }

    private void start(String name, Runnable task) {
        Thread thread = new Thread(task, "tcp-front-" + name);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() throws Exception {
        closed = true;
        release();
        server.close();
        sockets.forEach(TcpFront::closeQuietly);
        for (Thread thread : threads) {
            thread.join(10_000);
        }
    }
}
