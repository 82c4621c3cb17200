package org.skein.net.websocket;

import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.skein.net.C2sSettings;
import org.skein.net.C2sTransport;
import org.skein.xmpp.stream.StreamFraming;
import org.skein.xmpp.tls.TlsContext;

/**
 * XMPP over WebSocket (RFC 7395) as a transport of the node's client listener, on a port of its own,
 * plain ({@code ws://}) or with the node's certificate ({@code wss://}). The pipeline of a connection:
 *
 * <pre>
 *  [TLS] ► idle ► HTTP codec ► HTTP aggregator ► HttpRequests ► BrokenFrames ► (Netty's handshake) ► WebSocket protocol ► frame aggregator
 *                                 host-meta, 404, origin and subprotocol checks                             pings, closes      continuations
 *        ► FramingCodec ► XmlStreamDecoder ► C2sChannelHandler
 * </pre>
 *
 * After the handshake Netty swaps the HTTP codec for the WebSocket frame codec, and the XML stream
 * decoder and the XMPP logic, the same as on the TCP port, are added behind {@link FramingCodec}.
 * Shareable.
 */
public final class WebSocketTransport implements C2sTransport {

    /** The transport's name, shown with each of its sessions. */
    public static final String NAME = "websocket";
    private static final int MAX_INITIAL_LINE = 4096;
    private static final int MAX_HEADER_SIZE = 8192;
    private static final int MAX_REQUEST_BODY = 4096;

    private final WebSocketSettings settings;
    private final TlsContext tls;
    private final String domain;

    /**
     * @param tls the node's certificate for {@code wss://}, or null for plain {@code ws://}
     * @param domain the XMPP domain (the host host-meta names when a request has no usable Host)
     */
    public WebSocketTransport(WebSocketSettings settings, TlsContext tls, String domain) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.tls = tls;
        this.domain = Objects.requireNonNull(domain, "domain");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public StreamFraming framing() {
        return WebSocketFraming.INSTANCE;
    }

    /** Whether this is the {@code wss://} port. */
    public boolean isTls() {
        return tls != null;
    }

    @Override
    public void initChannel(SocketChannel channel, C2sSettings c2s, StreamStarter stream) {
        ChannelPipeline pipeline = channel.pipeline();
        if (tls != null) {
            pipeline.addLast("tls", tls.newServerHandler(channel.alloc()));
        }
        if (c2s.idleTimeout() != null) {
            // half the timeout: the first idle period sends a ping, the second closes (FramingCodec)
            pipeline.addLast("idle", new IdleStateHandler(Math.max(1, c2s.idleTimeout().toMillis() / 2), 0, 0, TimeUnit.MILLISECONDS));
        }
        pipeline.addLast("http", new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_SIZE, MAX_HEADER_SIZE));
        pipeline.addLast("http-aggregator", new HttpObjectAggregator(MAX_REQUEST_BODY));
        pipeline.addLast("http-requests", new HttpRequests(settings, tls != null, domain));
        WebSocketDecoderConfig frames = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(c2s.maxStanzaSize())
                .expectMaskedFrames(true)
                .allowMaskMismatch(false)
                .allowExtensions(false)
                .closeOnProtocolViolation(false) // FramingCodec ends the XMPP stream with a stream error first
                .withUTF8Validator(false) // the XML stream decoder checks the text, as on the TCP port
                .build();
        pipeline.addLast("broken-frames", BrokenFrames.INSTANCE);
        pipeline.addLast("websocket", new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(settings.path())
                .checkStartsWith(true) // HttpRequests matched the path without the query already
                .subprotocols(HttpRequests.SUBPROTOCOL)
                .handshakeTimeoutMillis(settings.handshakeTimeout().toMillis())
                .handleCloseFrames(true)
                .sendCloseFrame(WebSocketCloseStatus.NORMAL_CLOSURE)
                .dropPongFrames(true)
                .decoderConfig(frames)
                .build()));
        pipeline.addLast("websocket-aggregator", new WebSocketFrameAggregator(c2s.maxStanzaSize()));
        pipeline.addLast("xmpp-framing", new FramingCodec(settings, tls != null, c2s.maxStanzaSize(), stream));
    }
}
