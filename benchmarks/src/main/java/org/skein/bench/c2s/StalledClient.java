package org.skein.bench.c2s;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.function.BooleanSupplier;

/**
 * A client that stops reading: a blocking socket with a small receive buffer that logs in (SASL PLAIN, bind,
 * initial presence) and then reads nothing until {@link #readAll} is called. What it reads then is scanned for
 * numbered message bodies ({@link BodyNumbers}) and for the end of the stream.
 */
final class StalledClient implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final StringBuilder text = new StringBuilder();
    private final byte[] buffer = new byte[64 * 1024];
    private boolean streamError;
    private boolean ended;

    StalledClient(int port, int receiveBuffer) throws IOException {
        socket = new Socket();
        socket.setReceiveBufferSize(receiveBuffer);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        socket.setSoTimeout(30_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** Logs in and sends initial presence; returns once the session is bound. */
    void login(String user, String password, String resource, String domain) throws IOException {
        String header = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='"
                + domain + "' version='1.0'>";
        send(header);
        await("</stream:features>");
        String credentials = Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
        send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + credentials + "</auth>");
        await("<success");
        send(header);
        await("</stream:features>");
        send("<iq type='set' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>" + resource + "</resource></bind></iq>");
        await("</iq>");
        send("<presence/>");
    }

    private void send(String xml) throws IOException {
        out.write(xml.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private void await(String word) throws IOException {
        while (text.indexOf(word) < 0) {
            if (text.indexOf("<failure") >= 0 || text.indexOf("</stream:stream>") >= 0) {
                throw new IOException("login failed: " + text);
            }
            int n = in.read(buffer);
            if (n < 0) {
                throw new IOException("the node closed the connection during login: " + text);
            }
            text.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
        }
        text.setLength(0);
    }

    /**
     * Reads everything that arrives and hands it to {@code bodies}, until the node closes the connection, or
     * {@code done} is true and nothing arrived for {@code quiet}; then ends the stream if it is still open.
     *
     * @return the bytes read
     */
    long readAll(BodyNumbers bodies, BooleanSupplier done, Duration quiet) throws IOException {
        socket.setSoTimeout(200);
        long total = 0;
        long lastData = System.nanoTime();
        while (true) {
            int n;
            try {
                n = in.read(buffer);
            } catch (SocketTimeoutException e) {
                if (done.getAsBoolean() && System.nanoTime() - lastData > quiet.toNanos()) {
                    break;
                }
                continue;
            } catch (IOException e) {
                ended = true; // reset by the node
                break;
            }
            if (n < 0) {
                ended = true;
                break;
            }
            total += n;
            lastData = System.nanoTime();
            String chunk = new String(buffer, 0, n, StandardCharsets.ISO_8859_1); // the markers looked for are ASCII
            bodies.scan(chunk);
            streamError |= chunk.contains("policy-violation");
        }
        if (!ended) {
            send("</stream:stream>");
        }
        return total;
    }

    /** Whether the node ended this stream (closed the socket). */
    boolean endedByNode() {
        return ended;
    }

    /** Whether a {@code policy-violation} stream error was read. */
    boolean sawPolicyViolation() {
        return streamError;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
