package org.skein.hazelcast.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.instance.EndpointQualifier;
import com.hazelcast.instance.impl.HazelcastInstanceProxy;
import com.hazelcast.instance.impl.Node;
import com.hazelcast.internal.server.ServerConnection;
import com.hazelcast.internal.server.ServerConnectionManager;
import com.hazelcast.internal.server.tcp.TcpServerConnection;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.skein.cluster.NodeID;
import org.skein.hazelcast.logging.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes connections to the member's port that have not completed the member handshake or the client
 * authentication within {@code hazelcast.handshake.timeout} (10 s by default). Hazelcast 5.7 (Community
 * Edition) has no property for this: a connection that sends nothing, or only the protocol header, is held
 * for ever (1,000 idle connections were held for 60 s in a test of issue 13), and with it a file
 * descriptor and buffers. The watchdog looks at the member's accepted connections now and then, on a
 * thread of its own, through Hazelcast's internal connection manager (a public class, but not a public
 * API: checked again at each Hazelcast upgrade); if that API cannot be reached it logs once and does
 * nothing. Connections this member opened itself are never touched. Close it when the member leaves.
 */
final class HandshakeWatchdog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HandshakeWatchdog.class);

    private final NodeID localNode;
    private final ServerConnectionManager connections;
    private final Node node;
    private final long timeoutMillis;
    private final Clock clock;
    private final RateLimitedLog warnings;
    private final AtomicLong closed = new AtomicLong();
    private final ScheduledExecutorService thread;

    private HandshakeWatchdog(NodeID localNode, Node node, Duration timeout, Clock clock) {
        this.localNode = localNode;
        this.node = node;
        this.connections = node.getServer().getConnectionManager(EndpointQualifier.MEMBER);
        this.timeoutMillis = timeout.toMillis();
        this.clock = clock;
        this.warnings = RateLimitedLog.perMinute(LOG, clock);
        this.thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread t = new Thread(runnable, "skein-handshake-watchdog-" + localNode.value());
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(250, Math.min(1000, timeoutMillis / 4));
        thread.scheduleWithFixedDelay(this::closeIdle, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * Starts watching the member's accepted connections.
     *
     * @return the watchdog, or {@code null} if this Hazelcast does not offer what it needs (logged)
     */
    static HandshakeWatchdog start(NodeID localNode, HazelcastInstance instance, Duration timeout, Clock clock) {
        try {
            Node node = ((HazelcastInstanceProxy) instance).getOriginal().node;
            return new HandshakeWatchdog(localNode, node, timeout, clock);
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("Node {}: connections to the cluster port that never complete a handshake cannot be closed with this "
                    + "Hazelcast ({}); keep the port firewalled to the nodes", localNode, e.toString());
            return null;
        }
    }

    /** One look: closes the accepted connections that are older than the timeout and still without a handshake. */
    void closeIdle() {
        try {
            long now = clock.millis();
            for (ServerConnection connection : connections.getConnections()) {
                if (connection instanceof TcpServerConnection tcp && tcp.isAlive() && tcp.isAcceptorSide()
                        && tcp.getRemoteUuid() == null && now - tcp.getStartTime() >= timeoutMillis && !isAuthenticatedClient(tcp)) {
                    connection.close("no member handshake or client authentication within " + timeoutMillis + " ms", null);
                    closed.incrementAndGet();
                    warnings.warn("idle-connection", "Node {} closed a connection to its cluster port from {}: no member "
                            + "handshake or client authentication within {} ms", localNode, connection.getRemoteSocketAddress(),
                            timeoutMillis);
                }
            }
            warnings.flushSummaries();
        } catch (RuntimeException e) {
            LOG.debug("Node {}: the handshake watchdog's look failed; it tries again", localNode, e);
        }
    }

    private boolean isAuthenticatedClient(ServerConnection connection) {
        return connection.isClient() && node.getClientEngine().getEndpointManager().getEndpoint(connection) != null;
    }

    /** How many connections it closed (for tests and the node page). */
    long closedCount() {
        return closed.get();
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
