package org.skein.bytestreams;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.socksx.v5.DefaultSocks5CommandResponse;
import io.netty.handler.codec.socksx.v5.DefaultSocks5InitialResponse;
import io.netty.handler.codec.socksx.v5.Socks5AddressType;
import io.netty.handler.codec.socksx.v5.Socks5AuthMethod;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequest;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.netty.handler.codec.socksx.v5.Socks5CommandType;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequest;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5ServerEncoder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SOCKS5 side of the bytestreams proxy (XEP-0065 section 6.3): accepts connections that ask, with
 * no authentication, to CONNECT to a "domain name" that is the stream's digest, keeps at most two per
 * digest waiting without reading from them, and links the two once the initiator asks the proxy to
 * activate the stream. Linked connections are relayed byte for byte, a side read only while the other
 * can take more. A connection whose partner or activation does not come within the configured time is
 * closed; so is one that speaks anything else than this.
 *
 * <p>Thread-safe: connections are handled on the relay's event loop, {@link #activate} is called from
 * a client's processing thread.
 */
final class Socks5Relay implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Socks5Relay.class);
    private static final Pattern DIGEST = Pattern.compile("[0-9a-f]{40}");
    /** Bytes a client may send before its stream is activated (XEP-0065 says none); more closes it. */
    private static final int MAX_EARLY_BYTES = 64 * 1024;

    private final ProxySettings settings;
    private final String threadSuffix;
    private final Map<String, List<Waiting>> waiting = new HashMap<>();
    private int waitingCount;
    private EventLoopGroup group;
    private Channel server;

    Socks5Relay(ProxySettings settings, String threadSuffix) {
        this.settings = settings;
        this.threadSuffix = threadSuffix;
    }

    /** Starts listening on the configured address and port. */
    synchronized void start() {
        if (server != null) {
            return;
        }
        group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("skein-proxy65-" + threadSuffix, true),
                NioIoHandler.newFactory());
        try {
            server = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.AUTO_READ, false)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel channel) {
                            channel.pipeline().addLast("socks-decoder", new Socks5InitialRequestDecoder())
                                    .addLast("socks-encoder", Socks5ServerEncoder.DEFAULT)
                                    .addLast("handshake", new Handshake());
                        }
                    })
                    .bind(new InetSocketAddress(settings.bindAddress(), settings.port())).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            group = null;
            throw new IllegalStateException("the SOCKS5 bytestreams proxy cannot listen on " + settings.bindAddress() + ":"
                    + settings.port() + " (keys " + ProxySettings.BIND_ADDRESS_KEY + ", " + ProxySettings.PORT_KEY + "): "
                    + e.getMessage(), e);
        }
        LOG.info("SOCKS5 bytestreams proxy listening on {}, announced as {}:{}", server.localAddress(), settings.host(), port());
    }

    /** The port the relay listens on (the chosen one when configured as 0), or -1 when it does not listen. */
    synchronized int port() {
        return server == null ? -1 : ((InetSocketAddress) server.localAddress()).getPort();
    }

    /**
     * Links the two connections that asked for this digest.
     *
     * @return false if there are not two open connections waiting with this digest
     */
    boolean activate(String digest) {
        List<Waiting> pair;
        synchronized (waiting) {
            pair = waiting.get(digest);
            if (pair == null || pair.size() != 2 || !pair.get(0).channel.isActive() || !pair.get(1).channel.isActive()) {
                return false;
            }
            waiting.remove(digest);
            waitingCount -= 2;
        }
        Waiting first = pair.get(0);
        Waiting second = pair.get(1);
        first.linkTo(second);
        second.linkTo(first);
        LOG.debug("Activated bytestream {} between {} and {}", digest, first.channel.remoteAddress(), second.channel.remoteAddress());
        return true;
    }

    /** Connections that wait for their partner or their activation. */
    int waitingConnections() {
        synchronized (waiting) {
            return waitingCount;
        }
    }

    private boolean register(String digest, Waiting connection) {
        synchronized (waiting) {
            List<Waiting> pair = waiting.computeIfAbsent(digest, d -> new ArrayList<>(2));
            if (pair.size() >= 2 || waitingCount >= settings.maxWaiting()) {
                if (pair.isEmpty()) {
                    waiting.remove(digest);
                }
                return false;
            }
            pair.add(connection);
            waitingCount++;
            return true;
        }
    }

    private void unregister(String digest, Waiting connection) {
        synchronized (waiting) {
            List<Waiting> pair = waiting.get(digest);
            if (pair != null && pair.remove(connection)) {
                waitingCount--;
                if (pair.isEmpty()) {
                    waiting.remove(digest);
                }
            }
        }
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.close().syncUninterruptibly();
            server = null;
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            group = null;
        }
        synchronized (waiting) {
            waiting.clear();
            waitingCount = 0;
        }
    }

    /** One connection from greeting to CONNECT; then it waits for activation. */
    private final class Handshake extends ChannelInboundHandlerAdapter {

        private Waiting registered;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.executor().schedule(() -> {
                if (registered == null || !registered.linked) {
                    ctx.close();
                }
            }, settings.waitForActivation().toMillis(), TimeUnit.MILLISECONDS);
            ctx.read();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Socks5InitialRequest greeting) {
                greeted(ctx, greeting);
            } else if (msg instanceof Socks5CommandRequest request) {
                connect(ctx, request);
            } else if (msg instanceof ByteBuf early && registered != null) {
                registered.hold(early); // sent before activation: kept for the partner, up to a limit
            } else {
                ReferenceCountUtil.release(msg);
                ctx.close();
            }
        }

        private void greeted(ChannelHandlerContext ctx, Socks5InitialRequest greeting) {
            if (greeting.decoderResult().isFailure() || !greeting.authMethods().contains(Socks5AuthMethod.NO_AUTH)) {
                ctx.writeAndFlush(new DefaultSocks5InitialResponse(Socks5AuthMethod.UNACCEPTED)).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            ctx.pipeline().replace("socks-decoder", "socks-decoder", new Socks5CommandRequestDecoder());
            ctx.writeAndFlush(new DefaultSocks5InitialResponse(Socks5AuthMethod.NO_AUTH));
            ctx.read();
        }

        private void connect(ChannelHandlerContext ctx, Socks5CommandRequest request) {
            String digest = request.decoderResult().isSuccess() ? request.dstAddr().toLowerCase(Locale.ROOT) : "";
            if (request.decoderResult().isFailure() || request.type() != Socks5CommandType.CONNECT
                    || request.dstAddrType() != Socks5AddressType.DOMAIN || !DIGEST.matcher(digest).matches()) {
                refuse(ctx, Socks5CommandStatus.COMMAND_UNSUPPORTED);
                return;
            }
            Waiting connection = new Waiting(ctx.channel(), digest);
            if (!register(digest, connection)) {
                refuse(ctx, Socks5CommandStatus.FORBIDDEN);
                return;
            }
            registered = connection;
            ctx.pipeline().remove("socks-decoder");
            ctx.writeAndFlush(new DefaultSocks5CommandResponse(Socks5CommandStatus.SUCCESS, Socks5AddressType.DOMAIN,
                    request.dstAddr(), 0));
        }

        private void refuse(ChannelHandlerContext ctx, Socks5CommandStatus status) {
            ctx.writeAndFlush(new DefaultSocks5CommandResponse(status, Socks5AddressType.DOMAIN, "0", 0))
                    .addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (registered != null) {
                unregister(registered.digest, registered);
                registered.releaseEarly();
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("SOCKS5 connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }

    /** A connection that completed CONNECT: waits, then relays to its partner. */
    private static final class Waiting {

        final Channel channel;
        final String digest;
        private final List<ByteBuf> early = new ArrayList<>();
        private int earlyBytes;
        volatile boolean linked;

        Waiting(Channel channel, String digest) {
            this.channel = channel;
            this.digest = digest;
        }

        /** On the channel's event loop: bytes that came with the CONNECT request (nothing more is read before activation). */
        void hold(ByteBuf bytes) {
            earlyBytes += bytes.readableBytes();
            early.add(bytes);
            if (earlyBytes > MAX_EARLY_BYTES) {
                channel.close();
            }
        }

        void releaseEarly() {
            early.forEach(ReferenceCountUtil::release);
            early.clear();
        }

        /** Relays this connection to its partner from now on (both are linked by the caller). */
        void linkTo(Waiting partner) {
            linked = true;
            channel.eventLoop().execute(() -> {
                channel.pipeline().remove("handshake");
                channel.pipeline().remove("socks-encoder");
                channel.pipeline().addLast("pipe", new Pipe(partner.channel));
                for (ByteBuf bytes : early) {
                    partner.channel.writeAndFlush(bytes);
                }
                early.clear();
                channel.read();
            });
        }
    }

    /** Writes what one side reads to the other side; reads on while the other side keeps up. */
    private static final class Pipe extends ChannelInboundHandlerAdapter {

        private final Channel partner;

        Pipe(Channel partner) {
            this.partner = partner;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            Channel self = ctx.channel();
            partner.writeAndFlush(msg).addListener((ChannelFutureListener) future -> {
                if (!future.isSuccess()) {
                    self.close();
                    partner.close();
                } else if (partner.isWritable()) {
                    self.read();
                }
            });
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                partner.read();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (partner.isActive()) {
                partner.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
