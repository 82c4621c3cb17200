package org.skein.net;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.xmpp.packet.StreamError;

/** The open connections of one listener, so that stopping the node can say goodbye to each. Thread-safe. */
final class ConnectionRegistry {

    private final Set<NettyClientConnection> connections = ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.AtomicLong stalled = new java.util.concurrent.atomic.AtomicLong();

    /** A connection is being ended because its client did not read (the slow-consumer bound). */
    void stalled() {
        stalled.incrementAndGet();
    }

    private final java.util.concurrent.atomic.AtomicLong inboundPauses = new java.util.concurrent.atomic.AtomicLong();

    /** Reading from a connection was paused because its client sent faster than its inbound rate. */
    void inboundPaused() {
        inboundPauses.incrementAndGet();
    }

    /** How many times reading from a connection was paused for its inbound rate, since the listener started. */
    long inboundPauseCount() {
        return inboundPauses.get();
    }

    private final java.util.concurrent.atomic.LongAccumulator peakBacklog = new java.util.concurrent.atomic.LongAccumulator(Math::max, 0);

    /** One connection's backlog (bytes waiting for its socket) just now. */
    void backlog(long bytes) {
        peakBacklog.accumulate(bytes);
    }

    /** The largest backlog one connection of this listener has had, in bytes, since the listener started. */
    long peakBacklogBytes() {
        return peakBacklog.get();
    }

    /** How many connections were ended because their client did not read, since the listener started. */
    long stalledCount() {
        return stalled.get();
    }

    void add(NettyClientConnection connection) {
        connections.add(connection);
    }

    void remove(NettyClientConnection connection) {
        connections.remove(connection);
    }

    int size() {
        return connections.size();
    }

    /**
     * Sends {@code system-shutdown} to every connection and closes it, waiting (at most
     * {@code timeoutMillis} in all) until the goodbyes are written: the event loops may be shut down
     * only after that, or they would close the channels first.
     */
    void closeAll(long timeoutMillis) {
        for (NettyClientConnection connection : connections) {
            connection.closeWithError(StreamError.Condition.system_shutdown, "The server is shutting down");
        }
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        for (NettyClientConnection connection : connections) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0 || !connection.closeFuture().awaitUninterruptibly(left)) {
                return;
            }
        }
    }
}
