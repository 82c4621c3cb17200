package org.skein.hazelcast.routing;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldPrepender;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.skein.cluster.ClusterException;
import org.skein.cluster.NodeID;
import org.skein.hazelcast.logging.RateLimitedLog;

/**
 * This node's connection to one other node's stanza port ({@link DirectStream}): opened on the first batch,
 * authenticated both ways ({@link DirectHandshake}), then it carries this node's batches to that node and
 * brings their answers back. Batches given before the handshake is done wait for it (the router has only a
 * few in flight). When the connection fails or closes, every batch not answered fails (the router hands its
 * stanzas back) and the connection is {@linkplain #dead() dead}: the next batch opens a new one.
 * Thread-safe; its state is kept on its event loop.
 */
final class DirectConnection extends SimpleChannelInboundHandler<ByteBuf> {

    private record Waiting(long request, StanzaBatch batch) {
    }

    private final NodeID localNode;
    private final NodeID peer;
    private final DirectHandshake handshake;
    private final RateLimitedLog warnings;
    private final int maxFrame;
    private final StreamMeters meters;
    private final Map<Long, BiConsumer<Long, Throwable>> pending = new ConcurrentHashMap<>();
    private final AtomicLong requests = new AtomicLong();
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private final Channel channel;
    private final EventLoop loop;
    private final byte[] clientNonce = DirectHandshake.nonce();
    private boolean ready;
    private volatile boolean dead;
    private volatile String why = "it is not open yet";

    DirectConnection(NodeID localNode, NodeID peer, InetSocketAddress address, EventLoopGroup group, DirectHandshake handshake,
                     int maxFrame, int connectTimeoutMillis, RateLimitedLog warnings, DirectTls tls, StreamMeters meters) {
        this.meters = meters;
        this.localNode = localNode;
        this.peer = peer;
        this.handshake = handshake;
        this.warnings = warnings;
        this.maxFrame = maxFrame;
        DirectConnection handler = this;
        ChannelFuture connect = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        DirectFrameDecoder frames = new DirectFrameDecoder();
                        frames.allow(maxFrame);
                        if (tls != null) {
                            ch.pipeline().addLast("tls", tls.clientHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast("frames", frames).addLast("lengths", new LengthFieldPrepender(4)).addLast("peer", handler);
                    }
                })
                .connect(address);
        this.channel = connect.channel();
        this.loop = channel.eventLoop();
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                meters.refused(false, StreamMeters.Refusal.CONNECT);
                fail("it could not connect to " + address + ": " + f.cause());
            }
        });
        channel.closeFuture().addListener(f -> {
            if (ready) {
                meters.closed(false); // on the event loop, as ready is
            }
            fail(why.equals("it is not open yet") ? "it closed" : why);
        });
    }

    /** Whether this connection failed or closed: it takes no more batches. */
    boolean dead() {
        return dead;
    }

    /**
     * Sends a batch; {@code done} gets its answer or failure, once.
     *
     * @throws ClusterException if the connection is dead already
     */
    void send(StanzaBatch batch, BiConsumer<Long, Throwable> done) {
        if (dead) {
            throw new ClusterException("the stanza stream to node " + peer + " is closed: " + why);
        }
        if (batch.bytes().length > maxFrame - 1024) {
            throw new ClusterException("a batch of " + batch.bytes().length + " bytes is larger than the stanza stream takes ("
                    + (maxFrame - 1024) + ")");
        }
        long request = requests.incrementAndGet();
        pending.put(request, done);
        Runnable write = () -> {
            if (!pending.containsKey(request)) {
                return; // failed meanwhile
            }
            if (ready) {
                channel.writeAndFlush(DirectFrames.batch(channel.alloc(), request, batch), channel.voidPromise());
            } else {
                waiting.add(new Waiting(request, batch));
            }
        };
        if (loop.inEventLoop()) {
            write.run(); // the next batch, sent from an answer's callback
        } else {
            loop.execute(write);
        }
        if (dead) {
            failPending(); // closed between the check and the put: its failure may have missed this one
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(DirectFrames.hello(ctx.alloc(), localNode.value(), clientNonce));
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
        byte type = frame.readByte();
        if (!ready) {
            challenge(ctx, type, frame);
            return;
        }
        long request = DirectFrames.readLong(frame, "request id");
        BiConsumer<Long, Throwable> done = pending.remove(request);
        if (type == DirectFrames.ANSWER) {
            long answer = DirectFrames.readLong(frame, "answer");
            if (done != null) {
                done.accept(answer, null);
            }
        } else if (type == DirectFrames.FAILURE) {
            String message = DirectFrames.readText(frame, "failure");
            if (done != null) {
                done.accept(null, new ClusterException("node " + peer + " could not take a batch: " + message));
            }
        } else {
            throw new IllegalArgumentException("a frame of type " + type + " where an answer was expected");
        }
    }

    private void challenge(ChannelHandlerContext ctx, byte type, ByteBuf frame) {
        if (type != DirectFrames.CHALLENGE) {
            throw new IllegalArgumentException("a frame of type " + type + " where the handshake's challenge was expected");
        }
        String serverNode = DirectFrames.readText(frame, "node id");
        byte[] serverNonce = DirectFrames.readBytes(frame, "nonce", DirectHandshake.NONCE_BYTES);
        byte[] proof = DirectFrames.readBytes(frame, "proof", 64);
        DirectFrames.end(frame);
        if (!peer.value().equals(serverNode)) {
            why = "the stanza port answered as node " + serverNode;
            warnings.warn("stanza-stream-node", "Node {}: the stanza port of node {} ({}) answered as node {}; closed", localNode, peer,
                    ctx.channel().remoteAddress(), serverNode);
            meters.refused(false, StreamMeters.Refusal.WRONG_NODE);
            ctx.close();
            return;
        }
        io.netty.handler.ssl.SslHandler ssl = ctx.pipeline().get(io.netty.handler.ssl.SslHandler.class);
        byte[] binding;
        try {
            binding = ssl == null ? DirectHandshake.NO_BINDING : DirectTls.peerFingerprint(ssl);
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            throw new IllegalArgumentException("the stanza port of node " + peer + " showed no certificate", e);
        }
        if (serverNonce.length != DirectHandshake.NONCE_BYTES
                || !handshake.check(proof, "server", localNode.value(), serverNode, clientNonce, serverNonce, binding)) {
            why = "node " + peer + " could not prove the cluster secret";
            warnings.warn("stanza-stream-secret", "Node {}: the stanza port of node {} ({}) could not prove the cluster secret "
                    + "(cluster.secret differs); closed, its stanzas are handled as undeliverable", localNode, peer, ctx.channel().remoteAddress());
            meters.refused(false, StreamMeters.Refusal.SECRET);
            ctx.close();
            return;
        }
        ctx.write(DirectFrames.auth(ctx.alloc(), handshake.proof("client", localNode.value(), serverNode, clientNonce, serverNonce, binding)));
        ready = true;
        meters.opened(false);
        for (Waiting w : waiting) {
            if (pending.containsKey(w.request())) {
                ctx.write(DirectFrames.batch(ctx.alloc(), w.request(), w.batch()));
            }
        }
        waiting.clear();
        ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        why = "it failed: " + cause;
        warnings.warn("stanza-stream-failed", "Node {}: the stanza stream to node {} failed ({}); closed", localNode, peer, String.valueOf(cause));
        meters.refused(false, StreamMeters.Refusal.FAILED);
        ctx.close();
    }

    /** Closes the connection; what it has not answered fails. */
    void close() {
        why = "it was closed (node " + peer + " left)";
        channel.close();
    }

    private void fail(String reason) {
        why = reason;
        dead = true;
        failPending();
    }

    private void failPending() {
        List<BiConsumer<Long, Throwable>> failed = new ArrayList<>();
        for (Long request : pending.keySet().stream().sorted().toList()) {
            BiConsumer<Long, Throwable> done = pending.remove(request);
            if (done != null) {
                failed.add(done);
            }
        }
        ClusterException failure = new ClusterException("the stanza stream to node " + peer + " closed: " + why);
        for (BiConsumer<Long, Throwable> done : failed) {
            done.accept(null, failure);
        }
    }
}
