package org.skein.session;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Executor;
import org.skein.xmpp.stream.StreamFraming;
import org.xmpp.packet.StreamError;

/**
 * One client's network connection, as the XMPP logic sees it. The network layer implements it (over
 * a Netty channel); the stream logic never touches the channel.
 *
 * <p>The {@code send} and {@code close} methods may be called from any thread; writes from one thread
 * keep their order. {@link #startTls}, {@link #restartStream} and {@link #resumeParsing} are called by
 * the stream logic on the connection's {@link #executor()}.
 */
public interface ClientConnection {

    /** The serial executor that processes this connection's stream events, in order. */
    Executor executor();

    /** Runs a task on {@link #executor()} after a delay (never blocking a thread meanwhile). */
    void schedule(Runnable task, Duration delay);

    InetSocketAddress remoteAddress();

    /** Whether TLS is active on the connection. */
    boolean isSecure();

    /** Whether the connection is still open for writing. */
    boolean isOpen();

    /**
     * Writes XML text and flushes it: one top-level element (or one part of the stream from
     * {@link #framing()}) per call, so that a transport that frames each element (WebSocket) can.
     */
    void send(String xml);

    /**
     * Writes one stanza for the session's client, like {@link #send}; if the connection closes before
     * it is written to the socket, it is handed back to the {@link OutboundListener} (never dropped in
     * silence). The stream's own parts and its answers to the client's requests go through {@link #send}.
     */
    default void sendStanza(String xml) {
        send(xml);
    }

    /**
     * Whether the connection's outbound backlog went over its bound and has not come back under half of
     * it yet: the client does not read fast enough. Stanzas for the session are then handled by the
     * slow-consumer policy instead of being written (see {@code LocalClientSession}). A cheap read.
     */
    default boolean isBacklogged() {
        return false;
    }

    /** Sets who hears that the backlog is back to normal and gets the stanzas that were never written. */
    default void setOutboundListener(OutboundListener listener) {
    }

    /**
     * What a session hears from its connection's outbound side. Both run on the connection's
     * {@link #executor()}, never on a network thread.
     */
    interface OutboundListener {

        /** The backlog went under half of its bound again after {@link #isBacklogged()} was true. */
        void relieved();

        /** A stanza given to {@link #sendStanza} that was not written to the socket: the connection closed first. */
        void unsent(String xml);
    }

    /** How the stream's header, features, errors and end are written on this connection. */
    default StreamFraming framing() {
        return StreamFraming.XML_STREAM;
    }

    /** The kind of connection, shown with its session: {@code tcp} or {@code websocket}. */
    default String transport() {
        return "tcp";
    }

    /**
     * Answers {@code <starttls/>}: writes {@code proceed} in clear, then every later byte goes through
     * TLS, and the parser starts a new stream.
     */
    void startTls(String proceed);

    /** Answers a successful SASL exchange: writes {@code success} and the parser starts a new stream. */
    void restartStream(String success);

    /** Lets the parser go on after it paused on a SASL or STARTTLS element that did not restart the stream. */
    void resumeParsing();

    /** Sends a stream error and the end of the stream, then closes the connection. */
    void closeWithError(StreamError.Condition condition, String text);

    /** Sends the end of the stream and closes the connection. */
    void close();

    /**
     * The client has logged in (bound a resource): the connection no longer counts as a login in
     * progress, and the login deadline no longer applies. Called by the stream logic once.
     */
    default void loggedIn() {
    }
}
