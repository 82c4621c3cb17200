package org.skein.c2s;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * A bare-socket XMPP client for feeding a node bad input and reading exactly what comes back.
 * Connects to 127.0.0.1; every read has a deadline, so a test never hangs.
 */
final class RawClient implements AutoCloseable {

    static final String STREAM_ERRORS = "urn:ietf:params:xml:ns:xmpp-streams";

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final StringBuilder received = new StringBuilder();
    private boolean closedByServer;
    private String closeReason = "";

    RawClient(int port) throws IOException {
        this(port, null);
    }

    /**
     * A client whose connection comes from {@code localAddress} (on Linux any 127.x.y.z address works,
     * so one test can play clients on several addresses), or from the loopback address if {@code null}.
     */
    RawClient(int port, InetAddress localAddress) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port, localAddress, 0);
        socket.setSoTimeout(100);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /**
     * A client with a small socket receive buffer ({@code receiveBuffer} bytes): one that stops reading
     * makes the server's side fill up soon.
     */
    static RawClient withReceiveBuffer(int port, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(receiveBuffer);
        socket.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return new RawClient(socket);
    }

    private RawClient(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(100);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    static String header() {
        return "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' "
                + "to='localhost' version='1.0'>";
    }

    /** The stream error element a client sees for a condition. */
    static String streamError(String condition) {
        return "<stream:error><" + condition + " xmlns='" + STREAM_ERRORS + "'/>";
    }

    void send(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads until the received text contains {@code expected}; fails after the timeout. */
    String await(String expected, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (received.indexOf(expected) < 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("did not receive '" + expected + "' within " + timeout + "; got: " + received);
            }
            if (!readSome()) {
                if (received.indexOf(expected) < 0) {
                    throw new AssertionError("the server closed the connection before '" + expected + "'; got: " + received);
                }
            }
        }
        return received.toString();
    }

    String await(String expected) throws IOException {
        return await(expected, Duration.ofSeconds(10));
    }

    /** Reads until the server closes the connection; fails after the timeout. */
    String awaitClose(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!closedByServer) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the server did not close the connection within " + timeout + "; got: " + received);
            }
            readSome();
        }
        if (!closeReason.isEmpty()) {
            received.append("[reset: ").append(closeReason).append(']');
        }
        return received.toString();
    }

    /** Whether the server has not closed the connection, reading what is there without waiting long. */
    boolean isOpen() throws IOException {
        if (!closedByServer) {
            readSome();
        }
        return !closedByServer;
    }

    String received() {
        return received.toString();
    }

    /** Reads what has arrived (waiting at most the socket's short read timeout) and returns everything received. */
    String poll() throws IOException {
        readSome();
        return received.toString();
    }

    void clear() {
        received.setLength(0);
    }

    /** @return false once the server has closed the connection */
    private boolean readSome() throws IOException {
        if (closedByServer) {
            return false;
        }
        byte[] buffer = new byte[8192];
        try {
            int n = in.read(buffer);
            if (n < 0) {
                closedByServer = true;
                return false;
            }
            received.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
        } catch (SocketTimeoutException e) {
            // nothing yet
        } catch (IOException e) {
            closedByServer = true;
            closeReason = e.toString();
            return false;
        }
        return true;
    }

    /** Opens a stream, authenticates with PLAIN (the node must allow it without TLS) and binds a resource. */
    void login(String user, String password, String resource) throws IOException {
        send(header());
        await("</stream:features>");
        clear();
        authPlain(user, password);
        await("<success");
        clear();
        send(header());
        await("</stream:features>");
        clear();
        send("<iq type='set' id='bind1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>" + resource + "</resource></bind></iq>");
        await("</iq>");
        clear();
    }

    void authPlain(String user, String password) throws IOException {
        String credentials = Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
        send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + credentials + "</auth>");
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
