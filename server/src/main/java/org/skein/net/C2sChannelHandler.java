package org.skein.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.function.Function;
import org.dom4j.Element;
import org.skein.session.ClientConnection;
import org.skein.session.StreamHandler;
import org.skein.xmpp.stream.StreamEnd;
import org.skein.xmpp.stream.StreamFault;
import org.skein.xmpp.stream.StreamHeader;
import org.skein.xmpp.stream.XmlStreamDecoder;
import org.skein.xmpp.tls.TlsContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last inbound handler of a client pipeline, on the event loop: it hands each stream event to the
 * connection's {@link StreamHandler} through the connection's {@link SerialExecutor}, and stops
 * reading from a client whose events pile up faster than they are processed (reading resumes when
 * the backlog is worked off). One per connection.
 */
final class C2sChannelHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(C2sChannelHandler.class);
    /** Events waiting for processing at which reading from the client stops. */
    static final int HIGH_WATER = 256;
    /** Events waiting at which reading resumes. */
    static final int LOW_WATER = 32;

    private final SerialExecutor executor;
    private final C2sTransport transport;
    private final TlsContext tls;
    private final boolean encrypted;
    private final InetSocketAddress clientAddress;
    private final Function<ClientConnection, StreamHandler> handlers;
    private final ConnectionRegistry registry;
    private NettyClientConnection connection;
    private StreamHandler handler;

    /**
     * @param tls the context for STARTTLS, or null where it is not offered
     * @param encrypted whether the connection is encrypted from the start (wss, or a trusted TLS proxy)
     * @param clientAddress the client's address if not the socket's peer, else null
     */
    C2sChannelHandler(SerialExecutor executor, C2sTransport transport, TlsContext tls, boolean encrypted,
                      InetSocketAddress clientAddress, Function<ClientConnection, StreamHandler> handlers,
                      ConnectionRegistry registry) {
        this.executor = executor;
        this.transport = transport;
        this.tls = tls;
        this.encrypted = encrypted;
        this.clientAddress = clientAddress;
        this.handlers = handlers;
        this.registry = registry;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        // added behind a transport's handshake, when the channel is active already
        if (ctx.channel().isActive()) {
            begin(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        begin(ctx);
        ctx.fireChannelActive();
    }

    private void begin(ChannelHandlerContext ctx) {
        if (connection != null) {
            return;
        }
        XmlStreamDecoder decoder = ctx.pipeline().get(XmlStreamDecoder.class);
        connection = new NettyClientConnection(ctx.channel(), executor, decoder, tls, transport.name(), transport.framing(),
                encrypted, clientAddress);
        handler = handlers.apply(connection);
        registry.add(connection);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        StreamHandler target = handler;
        if (msg instanceof Element) {
            dispatch(ctx.channel(), () -> target.onElement((Element) msg));
        } else if (msg instanceof StreamHeader) {
            dispatch(ctx.channel(), () -> target.onHeader((StreamHeader) msg));
        } else if (msg instanceof StreamFault) {
            dispatch(ctx.channel(), () -> target.onFault((StreamFault) msg));
        } else if (msg instanceof StreamEnd) {
            dispatch(ctx.channel(), target::onEnd);
        } else {
            LOG.warn("Unexpected message {} on {}", msg.getClass().getName(), ctx.channel());
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            StreamHandler target = handler;
            dispatch(ctx.channel(), target::onIdle);
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        NettyClientConnection closed = connection;
        StreamHandler target = handler;
        if (closed != null) {
            registry.remove(closed);
            closed.discardOutbound();
            executor.execute(target::onClosed);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            LOG.debug("Connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        } else {
            LOG.info("Closing connection {} after an error: {}", ctx.channel().remoteAddress(), cause.toString());
        }
        ctx.close();
    }

    private void dispatch(Channel channel, Runnable task) {
        executor.execute(() -> {
            task.run();
            if (!channel.config().isAutoRead() && executor.pending() <= LOW_WATER) {
                channel.config().setAutoRead(true);
            }
        });
        if (executor.pending() >= HIGH_WATER && channel.config().isAutoRead()) {
            channel.config().setAutoRead(false);
        }
    }
}
