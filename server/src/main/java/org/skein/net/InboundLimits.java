package org.skein.net;

import org.skein.config.ConfigException;
import org.skein.config.ServerConfig;

/**
 * How fast one client connection may send, read once from the configuration: a token bucket per
 * connection, in bytes of stanzas. A connection over its rate is not read from until it is back within
 * it (TCP then slows its client down); nothing it sent is lost or refused. This keeps one flooding
 * client from taking the node's threads and cores from the others.
 *
 * @param bytesPerSecond {@code xmpp.c2s.inbound.rate} (1MiB, meaning per second; -1 for no limit): the
 *     sustained rate
 * @param burstBytes {@code xmpp.c2s.inbound.burst} (4MiB): what a connection may send at once after a
 *     quiet spell (a login's roster, offline and archive requests, an avatar upload); one stanza always
 *     passes, however large, and is paid for afterwards
 */
public record InboundLimits(long bytesPerSecond, long burstBytes) {

    public static final String RATE_KEY = "xmpp.c2s.inbound.rate";
    public static final String BURST_KEY = "xmpp.c2s.inbound.burst";

    public static final InboundLimits DEFAULT = new InboundLimits(1024 * 1024, 4 * 1024 * 1024);
    /** No limit. */
    public static final InboundLimits NONE = new InboundLimits(-1, 0);

    public InboundLimits {
        if (bytesPerSecond != -1 && (bytesPerSecond < 1 || burstBytes < 1)) {
            throw new IllegalArgumentException("the inbound rate and burst must be positive, or the rate -1 for no limit");
        }
    }

    /** Whether connections are limited at all. */
    boolean limited() {
        return bytesPerSecond > 0;
    }

    /** @throws ConfigException naming the file, the key and what was expected, for a bad value */
    public static InboundLimits from(ServerConfig config) {
        long rate = config.getByteSize(RATE_KEY, DEFAULT.bytesPerSecond());
        if (rate == -1) {
            return NONE;
        }
        if (rate < 1024 || rate > 1024L * 1024 * 1024) {
            throw new ConfigException(config.source() + ": key '" + RATE_KEY + "' is '" + config.get(RATE_KEY, "")
                    + "', expected bytes per second from 1KiB to 1GiB such as 1MiB, or -1 for no limit");
        }
        long burst = config.getByteSize(BURST_KEY, Math.max(DEFAULT.burstBytes(), rate), 1024, 1024L * 1024 * 1024,
                "a size from 1KiB to 1GiB such as 4MiB");
        return new InboundLimits(rate, burst);
    }
}
