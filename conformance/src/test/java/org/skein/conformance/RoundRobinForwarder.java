package org.skein.conformance;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
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
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A round-robin TCP front on 127.0.0.1 and a free port: the n-th accepted connection is relayed,
 * byte for byte, to backend {@code n % backends}. TLS (STARTTLS) passes straight through, so every
 * backend must present the same certificate. SINT connects every account to one host and port; behind
 * this front its connections land on different nodes, as a real load balancer in TCP mode would place
 * them.
 *
 * <p>Reads are paced by writability: a side is read only while the other side can take more, so a
 * slow reader slows its writer instead of filling memory. Closing one side closes the other.
 */
final class RoundRobinForwarder implements AutoCloseable {

    private final List<InetSocketAddress> backends;
    private final AtomicInteger next = new AtomicInteger();
    private final List<InetSocketAddress> chosen = new CopyOnWriteArrayList<>();
    private final EventLoopGroup group;
    private final Channel serverChannel;

    private RoundRobinForwarder(List<InetSocketAddress> backends) {
        this.backends = List.copyOf(backends);
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("sint-forwarder", true), NioIoHandler.newFactory());
        try {
            this.serverChannel = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.AUTO_READ, false)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel channel) {
                            channel.pipeline().addLast(new Frontend());
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            throw e;
        }
    }

    /** A started forwarder to the given backends, in this order. */
    static RoundRobinForwarder start(List<InetSocketAddress> backends) {
        if (backends.isEmpty()) {
            throw new IllegalArgumentException("no backends");
        }
        return new RoundRobinForwarder(backends);
    }

    int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** The backend each accepted connection went to, in the order of acceptance. */
    List<InetSocketAddress> connections() {
        return new ArrayList<>(chosen);
    }

    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** The client's side: connects to the next backend, then relays. */
    private final class Frontend extends ChannelInboundHandlerAdapter {

        private Channel backend;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Channel client = ctx.channel();
            InetSocketAddress target = backends.get(Math.floorMod(next.getAndIncrement(), backends.size()));
            chosen.add(target);
            new Bootstrap()
                    .group(client.eventLoop())
                    .channel(NioSocketChannel.class)
                    .option(ChannelOption.AUTO_READ, false)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new Relay(client))
                    .connect(target)
                    .addListener((ChannelFutureListener) future -> {
                        if (future.isSuccess()) {
                            backend = future.channel();
                            client.read();
                            backend.read();
                        } else {
                            client.close();
                        }
                    });
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            relay(ctx.channel(), backend, msg);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable() && backend != null) {
                backend.read();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closeAfterFlush(backend);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** The backend's side: relays to the client. */
    private static final class Relay extends ChannelInboundHandlerAdapter {

        private final Channel client;

        Relay(Channel client) {
            this.client = client;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            relay(ctx.channel(), client, msg);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                client.read();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closeAfterFlush(client);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Writes what {@code from} read to {@code to}; reads more from {@code from} while {@code to} keeps up. */
    private static void relay(Channel from, Channel to, Object msg) {
        to.writeAndFlush(msg).addListener((ChannelFutureListener) future -> {
            if (!future.isSuccess()) {
                future.channel().close();
                from.close();
            } else if (to.isWritable()) {
                from.read();
            }
        });
    }

    private static void closeAfterFlush(Channel channel) {
        if (channel != null && channel.isActive()) {
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
