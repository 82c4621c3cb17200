package org.skein.net;

import io.netty.channel.Channel;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import org.skein.xmpp.stream.StreamFraming;

/**
 * A kind of client socket that a {@link C2sListener} serves: what comes in front of the XML stream in a
 * connection's pipeline, and how the stream's own parts are framed on it. The listener's own TCP port
 * (RFC 6120) is one; XMPP over WebSocket (RFC 7395, {@code org.skein.net.websocket}) is another. All the
 * transports of a listener share its event loops, its processing pool and its connection registry, and
 * behind its front every connection gets the same XML stream decoder and the same XMPP logic
 * ({@code ClientStream}).
 *
 * <pre>
 *  socket ──► [transport's front: TLS, HTTP, WebSocket...] ──► XmlStreamDecoder ──► C2sChannelHandler ──► StreamHandler
 *                                                          └── added by {@link StreamStarter#start}
 * </pre>
 *
 * <p>Implementations are shareable: {@link #initChannel} runs once per new connection, on its event loop.
 */
public interface C2sTransport {

    /** A short name shown with each session of this transport ({@code tcp}, {@code websocket}). */
    String name();

    /** How the stream's header, features, errors and end are written on this transport. */
    StreamFraming framing();

    /**
     * Sets up a new connection: adds this transport's handlers to the channel's pipeline, then calls
     * {@code stream.start(...)} once the XMPP stream may begin (at once for TCP, after the handshake for
     * WebSocket), on the channel's event loop. A connection that never gets there (an HTTP request that
     * is answered, a failed handshake) is closed by the transport.
     *
     * @param settings the listener's settings (idle timeout, stanza size)
     */
    void initChannel(SocketChannel channel, C2sSettings settings, StreamStarter stream);

    /**
     * Whether complete elements a client sends before its connection's first stream header are dropped
     * (up to the largest stanza's size in all) rather than answered with {@code invalid-namespace}: what
     * Smack writes there when a connection object connects again (see {@code XmlStreamDecoder}). False
     * unless a transport says otherwise.
     */
    default boolean dropsElementsBeforeHeader() {
        return false;
    }

    /** Adds the XML stream and the XMPP logic behind a transport's front. */
    interface StreamStarter {

        /**
         * Appends the XML stream decoder and the XMPP handler to the pipeline; the stream logic starts.
         *
         * @param encrypted whether the connection is encrypted already (TLS under the transport, or at a
         *        proxy that is trusted to say so)
         * @param clientAddress the client's address when it is not the socket's peer (a trusted proxy
         *        forwarded it), else null
         */
        void start(Channel channel, boolean encrypted, InetSocketAddress clientAddress);
    }
}
