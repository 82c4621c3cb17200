package org.skein.net;

import io.netty.channel.WriteBufferWaterMark;
import java.time.Duration;
import org.skein.config.ConfigException;
import org.skein.config.ServerConfig;

/**
 * How much a node keeps for one client that does not read, read once from the configuration. Every
 * client connection (TCP and WebSocket) counts its outbound backlog in bytes: what waits in the
 * connection's queue plus what Netty holds for the socket.
 *
 * @param writeBuffer {@code xmpp.c2s.writeBuffer.lowWaterMark} (32KiB) and
 *     {@code xmpp.c2s.writeBuffer.highWaterMark} (64KiB): Netty's water marks; above the high mark the
 *     channel is not writable, and the connection keeps further stanzas in its own queue until the
 *     socket has taken the buffer below the low mark
 * @param maxBytes {@code xmpp.c2s.outbound.maxBytes} (1MiB, at least twice the high water mark): the
 *     session's bound; over it, stanzas for the session are handled by the slow-consumer policy
 *     instead of queued (see {@code docs/operations.md}); the session is back to normal once its
 *     backlog is under half of it
 * @param grace {@code xmpp.c2s.outbound.grace} (30s): how long a session may stay over its bound;
 *     then its stream is closed with {@code policy-violation}. Writes that the policy does not cover
 *     (the stream's answers to the client's own requests) close it at once when the backlog reaches
 *     twice the bound
 * @param closeGrace {@code xmpp.c2s.closeGrace} (5s): how long the last words of a stream (a stream
 *     error, the end of the stream) may take to be written; then the socket is closed whatever is
 *     queued, so a client that does not read cannot keep its connection open
 */
public record OutboundLimits(WriteBufferWaterMark writeBuffer, long maxBytes, Duration grace, Duration closeGrace) {

    public static final String LOW_WATER_MARK_KEY = "xmpp.c2s.writeBuffer.lowWaterMark";
    public static final String HIGH_WATER_MARK_KEY = "xmpp.c2s.writeBuffer.highWaterMark";
    public static final String MAX_BYTES_KEY = "xmpp.c2s.outbound.maxBytes";
    public static final String GRACE_KEY = "xmpp.c2s.outbound.grace";
    public static final String CLOSE_GRACE_KEY = "xmpp.c2s.closeGrace";

    public static final OutboundLimits DEFAULT = new OutboundLimits(new WriteBufferWaterMark(32 * 1024, 64 * 1024), 1024 * 1024,
            Duration.ofSeconds(30), Duration.ofSeconds(5));

    public OutboundLimits {
        if (maxBytes < 2L * writeBuffer.high()) {
            throw new IllegalArgumentException("the outbound bound must be at least twice the high water mark");
        }
    }

    /** The backlog under which a session over its bound is back to normal. */
    long resumeBytes() {
        return maxBytes / 2;
    }

    /** The backlog at which the connection is closed at once (writes the policy does not cover). */
    long hardMaxBytes() {
        return 2 * maxBytes;
    }

    /** @throws ConfigException naming the file, the key and what was expected, for a bad value */
    public static OutboundLimits from(ServerConfig config) {
        long low = config.getByteSize(LOW_WATER_MARK_KEY, DEFAULT.writeBuffer().low(), 1024, 64L * 1024 * 1024,
                "a size from 1KiB to 64MiB such as 32KiB");
        long high = config.getByteSize(HIGH_WATER_MARK_KEY, DEFAULT.writeBuffer().high(), 1024, 64L * 1024 * 1024,
                "a size from 1KiB to 64MiB such as 64KiB");
        if (high < low) {
            throw new ConfigException(config.source() + ": key '" + HIGH_WATER_MARK_KEY + "' is " + high + " bytes, expected at least '"
                    + LOW_WATER_MARK_KEY + "' (" + low + " bytes)");
        }
        long max = config.getByteSize(MAX_BYTES_KEY, Math.max(DEFAULT.maxBytes(), 2 * high), 2 * high, 1024L * 1024 * 1024,
                "a size from twice '" + HIGH_WATER_MARK_KEY + "' (" + 2 * high + " bytes) to 1GiB such as 1MiB");
        Duration grace = positive(config, GRACE_KEY, DEFAULT.grace(), "30s");
        Duration closeGrace = positive(config, CLOSE_GRACE_KEY, DEFAULT.closeGrace(), "5s");
        return new OutboundLimits(new WriteBufferWaterMark((int) low, (int) high), max, grace, closeGrace);
    }

    private static Duration positive(ServerConfig config, String key, Duration defaultValue, String example) {
        Duration value = config.getDuration(key, defaultValue);
        if (value == null || value.isZero() || value.isNegative()) {
            throw new ConfigException(config.source() + ": key '" + key + "' is '" + config.get(key, "")
                    + "', expected a positive duration such as " + example);
        }
        return value;
    }
}
