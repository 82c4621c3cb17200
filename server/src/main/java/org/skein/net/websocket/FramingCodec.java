package org.skein.net.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.skein.net.C2sTransport;
import org.skein.xmpp.stream.StreamFault;
import org.skein.xmpp.stream.XmlStreamDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.StreamError;

/**
 * Between the WebSocket and the XML stream (RFC 7395 section 3.3). When the handshake completes it
 * starts the XMPP stream behind itself. Inbound, each text message goes to the XML stream decoder as
 * bytes, {@code <open/>} and {@code <close/>} as the stream header and end tag they stand for; a
 * message that ends inside an element, a binary message, a message larger than the stanza limit, or a
 * broken frame is a stream error. Outbound, each write (one element) becomes a text message, a stanza
 * with its {@code jabber:client} namespace.
 *
 * <p>It also keeps idle connections apart from quiet ones: at the first idle period it sends a
 * WebSocket ping (browsers answer it by themselves, RFC 7395 section 3.8); a second one in a row
 * reaches the XMPP logic, which closes the stream with {@code connection-timeout}. A connection whose
 * handshake does not complete within the handshake timeout is closed. One per connection.
 */
final class FramingCodec extends ChannelDuplexHandler {

    private static final Logger LOG = LoggerFactory.getLogger(FramingCodec.class);

    private final WebSocketSettings settings;
    private final boolean tlsEndpoint;
    private final int maxStanzaSize;
    private final C2sTransport.StreamStarter stream;
    private ScheduledFuture<?> handshakeDeadline;
    private boolean upgraded;
    private boolean failed;

    FramingCodec(WebSocketSettings settings, boolean tlsEndpoint, int maxStanzaSize, C2sTransport.StreamStarter stream) {
        this.settings = settings;
        this.tlsEndpoint = tlsEndpoint;
        this.maxStanzaSize = maxStanzaSize;
        this.stream = stream;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        Duration timeout = settings.handshakeTimeout();
        handshakeDeadline = ctx.executor().schedule(() -> {
            if (!upgraded && ctx.channel().isOpen()) {
                LOG.debug("Closing {}: no WebSocket handshake within {} ms", ctx.channel().remoteAddress(), timeout.toMillis());
                ctx.close();
            }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelDeadline();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete handshake) {
            upgraded = true;
            cancelDeadline();
            HttpHeaders headers = handshake.requestHeaders();
            boolean encrypted = tlsEndpoint || (settings.trustProxyHeaders()
                    && "https".equalsIgnoreCase(lastValue(headers, "X-Forwarded-Proto")));
            stream.start(ctx.channel(), encrypted, settings.trustProxyHeaders() ? forwardedFor(headers) : null);
            ctx.fireUserEventTriggered(evt);
            return;
        }
        if (evt instanceof BrokenFrames.Report report) {
            brokenFrame(ctx, report.problem());
            return;
        }
        if (evt instanceof IdleStateEvent idle) {
            if (!upgraded) {
                return; // the handshake deadline deals with it
            }
            if (idle.isFirst()) {
                ctx.writeAndFlush(new PingWebSocketFrame(), ctx.voidPromise());
                return;
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof WebSocketFrame frame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            if (failed) {
                return;
            }
            if (!(frame instanceof TextWebSocketFrame)) {
                if (frame instanceof BinaryWebSocketFrame) {
                    fault(ctx, StreamError.Condition.unsupported_encoding, "XMPP over WebSocket takes text messages only (RFC 7395)");
                }
                return; // control frames are Netty's; continuations were aggregated
            }
            ByteBuf content = frame.content();
            FramingElement framing = FramingElement.read(content);
            ctx.fireChannelRead(framing == null ? content.retain() : Unpooled.wrappedBuffer(framing.streamBytes()));
            XmlStreamDecoder decoder = ctx.pipeline().get(XmlStreamDecoder.class);
            if (decoder != null && decoder.isInsideElement()) {
                fault(ctx, StreamError.Condition.not_well_formed, framing != null && framing.open()
                        ? "<open/> came while the stream was open: only the restart after authentication opens it again"
                        : "each WebSocket message must hold whole XML elements, one stanza per message (RFC 7395)");
            }
        } finally {
            frame.release();
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf buf) {
            ctx.write(new TextWebSocketFrame(StanzaNamespace.qualify(ctx.alloc(), buf)), promise);
            return;
        }
        ctx.write(msg, promise);
    }

    private void brokenFrame(ChannelHandlerContext ctx, CorruptedWebSocketFrameException problem) {
        if (!upgraded) {
            ctx.close();
        } else if (problem.closeStatus() != null && problem.closeStatus().code() == WebSocketCloseStatus.MESSAGE_TOO_BIG.code()) {
            fault(ctx, StreamError.Condition.policy_violation, "the stanza is larger than " + maxStanzaSize + " bytes");
        } else {
            fault(ctx, StreamError.Condition.not_well_formed, "broken WebSocket frame: " + problem.getMessage());
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable problem = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (upgraded && problem instanceof TooLongFrameException) {
            // the frame aggregator: fragments of one message beyond the stanza limit
            fault(ctx, StreamError.Condition.policy_violation, "the stanza is larger than " + maxStanzaSize + " bytes");
            return;
        }
        ctx.fireExceptionCaught(cause);
    }

    /** Ends the stream with an error: the XMPP logic writes it and closes; nothing more is read. */
    private void fault(ChannelHandlerContext ctx, StreamError.Condition condition, String text) {
        if (failed) {
            return;
        }
        failed = true;
        if (ctx.pipeline().get(XmlStreamDecoder.class) == null) {
            ctx.close();
            return;
        }
        ctx.fireChannelRead(new StreamFault(condition, text));
    }

    private void cancelDeadline() {
        if (handshakeDeadline != null) {
            handshakeDeadline.cancel(false);
            handshakeDeadline = null;
        }
    }

    /**
     * The address the nearest proxy saw the client at: the last entry of X-Forwarded-For (a proxy appends
     * to the list, or adds a header line of its own), if it is an IP address.
     */
    private static InetSocketAddress forwardedFor(HttpHeaders headers) {
        String last = lastValue(headers, "X-Forwarded-For");
        if (last.startsWith("[") && last.endsWith("]")) {
            last = last.substring(1, last.length() - 1);
        }
        InetAddress address = last.isEmpty() ? null : NetUtil.createInetAddressFromIpAddressString(last);
        return address == null ? null : new InetSocketAddress(address, 0);
    }

    /** The last comma-separated entry of the last line of a header, or "" if it is absent. */
    private static String lastValue(HttpHeaders headers, String name) {
        java.util.List<String> lines = headers.getAll(name);
        if (lines.isEmpty()) {
            return "";
        }
        String value = lines.get(lines.size() - 1);
        int comma = value.lastIndexOf(',');
        return (comma < 0 ? value : value.substring(comma + 1)).trim();
    }
}
