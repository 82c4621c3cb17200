package org.skein.hazelcast.routing;

import com.hazelcast.cluster.Member;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.skein.cluster.ClusterException;
import org.skein.cluster.NodeID;
import org.skein.hazelcast.config.ClusterSecret;
import org.skein.hazelcast.logging.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The direct node-to-node stanza transport ({@code cluster.stanzaTransport=direct}, the default when the node has
 * a {@code cluster.secret}): each node listens on a
 * stanza port ({@link DirectListener}) and publishes it in its member attributes ({@link #PORT_ATTRIBUTE});
 * for each other node it opens one TCP connection ({@link DirectConnection}, TCP_NODELAY), authenticated both
 * ways with the cluster secret ({@link DirectHandshake}), on which its batches ({@link StanzaBatch}: the same
 * frames, sequence numbers, timing and answers as on Hazelcast's executor) go out and their answers come
 * back. Batches are taken on the connection's event loop, with no hand-off to another thread. Hazelcast
 * stays in charge of membership, maps and cluster tasks; a peer that publishes no stanza port (it uses the
 * Hazelcast transport) is reached through Hazelcast's executor, and the receiver takes batches from both.
 *
 * <p>The stream is authenticated (nobody without the secret can send batches or pose as a node to the
 * sender) and, unless {@code cluster.stanzaTls=false}, encrypted with TLS 1.3 ({@link DirectTls}: a key and
 * certificate made at each start, bound into the authentication). Without TLS, stanzas cross in plain text,
 * as on Hazelcast's open-source transport, and a man in the middle could alter them after the handshake.
 *
 * <p>Opened before the node's member starts (the port goes into the member's attributes), closed when the
 * member leaves. Thread-safe. Threads: {@code skein-stanza-in-<node>} takes batches,
 * {@code skein-stanza-out-<node>} sends them and takes their answers.
 */
public final class DirectStream implements AutoCloseable {

    /** The member attribute with the node's stanza port. */
    public static final String PORT_ATTRIBUTE = "skein.stanza-port";
    private static final Logger LOG = LoggerFactory.getLogger(DirectStream.class);
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    private static final int CONNECT_TIMEOUT_MILLIS = 5000;

    private final NodeID localNode;
    private final DirectHandshake handshake;
    private final RateLimitedLog warnings;
    private final int maxFrame;
    private final EventLoopGroup in;
    private final EventLoopGroup out;
    private final DirectListener listener;
    private final AtomicReference<BatchReceiver> receiver = new AtomicReference<>();
    private final Map<UUID, DirectConnection> connections = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private final DirectTls tls;
    private final StreamMeters meters;

    private DirectStream(NodeID localNode, ClusterSecret secret, InetSocketAddress bind, int maxFrame, boolean withTls, Clock clock,
                         StreamMeters meters) {
        this.meters = meters;
        this.tls = withTls ? DirectTls.generate(localNode.value()) : null;
        this.localNode = localNode;
        this.handshake = new DirectHandshake(secret);
        this.warnings = RateLimitedLog.perMinute(LOG, clock);
        this.maxFrame = maxFrame;
        this.in = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("skein-stanza-in-" + localNode.value(), true),
                NioIoHandler.newFactory());
        this.out = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("skein-stanza-out-" + localNode.value(), true),
                NioIoHandler.newFactory());
        try {
            this.listener = new DirectListener(localNode, handshake, in, bind, maxFrame, HANDSHAKE_TIMEOUT, receiver, warnings, tls,
                    meters);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            shutdownLoops();
            throw new ClusterException("node " + localNode + " was interrupted while it opened its stanza port", e);
        } catch (RuntimeException e) {
            shutdownLoops();
            throw new ClusterException("node " + localNode + " could not listen on its stanza port " + bind + " ("
                    + StanzaTransportSettings.PORT + ", " + StanzaTransportSettings.BIND_ADDRESS + "): " + e, e);
        }
    }

    /**
     * Opens the stanza port.
     *
     * @param bind where to listen (port 0: any free one)
     * @param batchBytes the router's batch size in bytes (the largest frame allowed is derived from it)
     * @param tls whether the stream runs over TLS ({@link DirectTls})
     * @param meters the router's meters (the stream counts its connections there)
     * @throws ClusterException if the port cannot be opened (the message names the keys)
     */
    public static DirectStream open(NodeID localNode, ClusterSecret secret, InetSocketAddress bind, long batchBytes, boolean tls,
                                    Clock clock, RouterMeters meters) {
        int maxFrame = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(16L * 1024 * 1024, 2 * batchBytes) + 64 * 1024);
        DirectStream stream = new DirectStream(Objects.requireNonNull(localNode), Objects.requireNonNull(secret), bind, maxFrame, tls,
                clock, meters.stream());
        if (tls) {
            LOG.info("Node {} takes stanzas from other nodes on {} (direct stream: TLS 1.3 with a certificate of this start, "
                    + "authenticated with the cluster secret)", localNode, stream.listener.address());
        } else {
            LOG.warn("Node {} takes stanzas from other nodes on {} (direct stream, authenticated with the cluster secret, NOT encrypted: "
                    + "{}=false)", localNode, stream.listener.address(), StanzaTransportSettings.TLS);
        }
        return stream;
    }

    /** The port this node listens on for stanzas. */
    public int port() {
        return listener.port();
    }

    /** From now on batches that arrive go to this receiver ({@code null}: they are refused, the sender hands them back). */
    void serve(BatchReceiver batchReceiver) {
        receiver.set(batchReceiver);
    }

    /**
     * The transport the router uses: the direct stream to peers that publish a stanza port, {@code fallback}
     * (Hazelcast's executor) to the others.
     */
    BatchTransport transport(BatchTransport fallback) {
        return new BatchTransport() {
            @Override
            public Object member(NodeID node) {
                return fallback.member(node);
            }

            @Override
            public void send(Object member, StanzaBatch batch, BiConsumer<Long, Throwable> done) {
                Member to = (Member) member;
                String port = to.getAttribute(PORT_ATTRIBUTE);
                if (port == null) {
                    fallback.send(member, batch, done);
                    return;
                }
                connection(to, port).send(batch, done);
            }

            @Override
            public String kind(Object member) {
                return ((Member) member).getAttribute(PORT_ATTRIBUTE) == null ? fallback.kind(member) : ownKind();
            }

            @Override
            public String ownKind() {
                return tls != null ? "direct-tls" : "direct-plain";
            }

            @Override
            public void memberLeft(Object member) {
                DirectConnection connection = connections.remove(((Member) member).getUuid());
                if (connection != null) {
                    connection.close();
                }
            }
        };
    }

    private DirectConnection connection(Member member, String port) {
        if (closed) {
            throw new ClusterException("node " + localNode + " closed its stanza streams");
        }
        return connections.compute(member.getUuid(), (uuid, existing) -> {
            if (existing != null && !existing.dead()) {
                return existing;
            }
            NodeID peer = NodeID.of(Objects.requireNonNullElse(member.getAttribute("skein.node-id"), "?"));
            InetSocketAddress address;
            try {
                address = new InetSocketAddress(member.getAddress().getHost(), Integer.parseInt(port));
            } catch (IllegalArgumentException e) {
                throw new ClusterException("member " + member.getAddress() + " publishes a stanza port that is not one: " + port);
            }
            return new DirectConnection(localNode, peer, address, out, handshake, maxFrame, CONNECT_TIMEOUT_MILLIS, warnings, tls,
                    meters);
        });
    }

    /** Closes the port and every connection (what they have not answered fails and is handed back by the router). */
    @Override
    public void close() {
        closed = true;
        receiver.set(null);
        listener.close();
        connections.values().forEach(DirectConnection::close);
        connections.clear();
        shutdownLoops();
    }

    private void shutdownLoops() {
        in.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        out.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }
}
