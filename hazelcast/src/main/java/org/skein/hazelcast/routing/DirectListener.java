package org.skein.hazelcast.routing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.skein.cluster.NodeID;
import org.skein.hazelcast.logging.RateLimitedLog;

/**
 * The receiving end of the {@link DirectStream}: listens on the stanza port, authenticates each connecting
 * node ({@link DirectHandshake}, over TLS with {@link DirectTls} unless it is turned off), then hands each batch to the node's {@link BatchReceiver} on the
 * connection's event loop (the receiver never waits) and writes the answer back on the same connection.
 * Anything else on the port (a stranger, a wrong secret, garbage, a handshake that does not finish within
 * the timeout) gets one rate-limited log line and the connection is closed; the node goes on.
 */
final class DirectListener implements AutoCloseable {

    private final NodeID localNode;
    private final DirectHandshake handshake;
    private final AtomicReference<BatchReceiver> receiver;
    private final RateLimitedLog warnings;
    private final int maxFrame;
    private final Duration handshakeTimeout;
    private final Channel server;
    private final DirectTls tls;
    private final StreamMeters meters;

    DirectListener(NodeID localNode, DirectHandshake handshake, EventLoopGroup loop, InetSocketAddress bind, int maxFrame,
                   Duration handshakeTimeout, AtomicReference<BatchReceiver> receiver, RateLimitedLog warnings, DirectTls tls,
                   StreamMeters meters)
            throws InterruptedException {
        this.meters = meters;
        this.tls = tls;
        this.localNode = localNode;
        this.handshake = handshake;
        this.receiver = receiver;
        this.warnings = warnings;
        this.maxFrame = maxFrame;
        this.handshakeTimeout = handshakeTimeout;
        this.server = new ServerBootstrap()
                .group(loop)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast("timeout", new ReadTimeoutHandler(handshakeTimeout.toMillis(), TimeUnit.MILLISECONDS));
                        if (tls != null) {
                            channel.pipeline().addLast("tls", tls.serverHandler(channel.alloc()));
                        }
                        channel.pipeline()
                                .addLast("frames", new DirectFrameDecoder())
                                .addLast("lengths", new LengthFieldPrepender(4))
                                .addLast("peer", new Peer());
                    }
                })
                .bind(bind).sync().channel();
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    /** What the proofs bind: this node's certificate with TLS, nothing without. */
    private byte[] binding() {
        return tls == null ? DirectHandshake.NO_BINDING : tls.fingerprint();
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** One connecting node: its handshake, then its batches. Used on the connection's event loop only. */
    private final class Peer extends SimpleChannelInboundHandler<ByteBuf> {
        private String peerNode;
        private byte[] clientNonce;
        private byte[] serverNonce;
        private NodeID authenticated;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
            byte type = frame.readByte();
            if (authenticated != null) {
                if (type != DirectFrames.BATCH) {
                    throw new IllegalArgumentException("a frame of type " + type + " where a batch was expected");
                }
                batch(ctx, DirectFrames.readBatch(frame));
            } else if (peerNode == null) {
                hello(ctx, type, frame);
            } else {
                auth(ctx, type, frame);
            }
        }

        private void hello(ChannelHandlerContext ctx, byte type, ByteBuf frame) {
            if (type != DirectFrames.HELLO || frame.readableBytes() < 4 || frame.readInt() != DirectHandshake.MAGIC) {
                throw new IllegalArgumentException("it does not start with a Skein stanza stream's greeting");
            }
            peerNode = DirectFrames.readText(frame, "node id");
            clientNonce = DirectFrames.readBytes(frame, "nonce", DirectHandshake.NONCE_BYTES);
            DirectFrames.end(frame);
            if (peerNode.isBlank() || clientNonce.length != DirectHandshake.NONCE_BYTES) {
                throw new IllegalArgumentException("its greeting has no node id or a short nonce");
            }
            serverNonce = DirectHandshake.nonce();
            byte[] proof = handshake.proof("server", peerNode, localNode.value(), clientNonce, serverNonce, binding());
            ctx.writeAndFlush(DirectFrames.challenge(ctx.alloc(), localNode.value(), serverNonce, proof));
        }

        private void auth(ChannelHandlerContext ctx, byte type, ByteBuf frame) {
            if (type != DirectFrames.AUTH) {
                throw new IllegalArgumentException("a frame of type " + type + " where the proof was expected");
            }
            byte[] proof = DirectFrames.readBytes(frame, "proof", 64);
            DirectFrames.end(frame);
            if (!handshake.check(proof, "client", peerNode, localNode.value(), clientNonce, serverNonce, binding())) {
                warnings.warn("stanza-port-secret", "Node {}: a connection from {} to the stanza port claimed node {} but could not "
                        + "prove the cluster secret (cluster.secret differs); closed", localNode, ctx.channel().remoteAddress(), peerNode);
                meters.refused(true, StreamMeters.Refusal.SECRET);
                ctx.close();
                return;
            }
            authenticated = NodeID.of(peerNode);
            meters.opened(true);
            ctx.pipeline().remove("timeout");
            ((DirectFrameDecoder) ctx.pipeline().get("frames")).allow(maxFrame);
        }

        private void batch(ChannelHandlerContext ctx, DirectFrames.Batch frame) {
            StanzaBatch batch = frame.batch();
            BatchReceiver taker = receiver.get();
            if (taker == null) {
                ctx.write(DirectFrames.failure(ctx.alloc(), frame.request(), "node " + localNode + " runs no packet router now"));
                return;
            }
            if (!authenticated.value().equals(batch.sender())) {
                ctx.write(DirectFrames.failure(ctx.alloc(), frame.request(), "a batch of node " + batch.sender()
                        + " on the stream of node " + authenticated + " was refused"));
                return;
            }
            long answer;
            try {
                answer = taker.receive(authenticated, batch.epoch(), batch.stream(), batch.seq(), batch.timing(), batch.bytes());
            } catch (RuntimeException e) {
                ctx.write(DirectFrames.failure(ctx.alloc(), frame.request(), String.valueOf(e)));
                return;
            }
            ctx.write(DirectFrames.answer(ctx.alloc(), frame.request(), answer));
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (authenticated != null) {
                meters.closed(true);
            }
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof ReadTimeoutException) {
                warnings.warn("stanza-port-timeout", "Node {}: a connection from {} to the stanza port did not complete the handshake "
                        + "within {} ms; closed", localNode, ctx.channel().remoteAddress(), handshakeTimeout.toMillis());
                meters.refused(true, StreamMeters.Refusal.HANDSHAKE_TIMEOUT);
            } else {
                String why = cause instanceof io.netty.handler.codec.DecoderException
                        && cause.getCause() instanceof io.netty.handler.ssl.NotSslRecordException ? "it does not speak TLS"
                        : cause instanceof IllegalArgumentException || cause instanceof io.netty.handler.codec.CorruptedFrameException
                        ? cause.getMessage() : String.valueOf(cause);
                warnings.warn("stanza-port-garbage", "Node {}: a connection from {} to the stanza port sent what a Skein node's stanza "
                        + "stream does not ({}); closed", localNode, ctx.channel().remoteAddress(), why);
                meters.refused(true, StreamMeters.Refusal.GARBAGE);
            }
            ctx.close();
        }
    }
}
