package org.skein.net;

import java.time.Duration;
import java.util.Objects;
import org.skein.config.ConfigException;
import org.skein.config.ServerConfig;
import org.skein.xmpp.stream.StanzaLimits;

/**
 * The client listener's settings, read once from the node's configuration.
 *
 * @param bindAddress {@code xmpp.c2s.bindAddress}, default {@code 0.0.0.0}
 * @param port {@code xmpp.c2s.port}, default 5222; 0 for any free port
 * @param stanzaLimits {@code xmpp.stanza.maxSize} (256KiB), {@code xmpp.stanza.maxDepth} (64 levels, the stanza
 *     being the first) and {@code xmpp.stanza.maxAttributes} (64 per element, namespace declarations included)
 * @param idleTimeout {@code xmpp.idleTimeout}, default 6m; {@code null} (-1) never closes idle connections
 * @param ioThreads {@code xmpp.c2s.ioThreads}, default the number of cores
 * @param processingThreads {@code xmpp.processing.threads}, default 8: the pool that runs stanza processing
 * @param limits how many connections are accepted and how long they may take to log in
 * @param outbound how much is kept for a client that does not read, and for how long
 * @param inbound how fast one connection may send
 */
public record C2sSettings(String bindAddress, int port, StanzaLimits stanzaLimits, Duration idleTimeout, int ioThreads,
                          int processingThreads, ConnectionLimits limits, OutboundLimits outbound, InboundLimits inbound) {

    public static final String BIND_ADDRESS_KEY = "xmpp.c2s.bindAddress";
    public static final String PORT_KEY = "xmpp.c2s.port";
    public static final String MAX_STANZA_SIZE_KEY = "xmpp.stanza.maxSize";
    public static final String MAX_DEPTH_KEY = "xmpp.stanza.maxDepth";
    public static final String MAX_ATTRIBUTES_KEY = "xmpp.stanza.maxAttributes";
    public static final String IDLE_TIMEOUT_KEY = "xmpp.idleTimeout";
    public static final String IO_THREADS_KEY = "xmpp.c2s.ioThreads";
    public static final String PROCESSING_THREADS_KEY = "xmpp.processing.threads";

    public C2sSettings {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(stanzaLimits, "stanzaLimits");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(outbound, "outbound");
        Objects.requireNonNull(inbound, "inbound");
    }

    /** The largest stanza a client may send, in bytes. */
    public int maxStanzaSize() {
        return stanzaLimits.maxBytes();
    }

    /** @throws ConfigException naming the file, the key and what was expected, for a bad value */
    public static C2sSettings from(ServerConfig config) {
        int port = config.getInt(PORT_KEY, 5222);
        if (port < 0 || port > 65535) {
            throw new ConfigException(config.source() + ": key '" + PORT_KEY + "' is '" + port
                    + "', expected a TCP port from 0 (any free port) to 65535");
        }
        long maxSize = config.getByteSize(MAX_STANZA_SIZE_KEY, 256 * 1024);
        if (maxSize < 1024 || maxSize > Integer.MAX_VALUE) {
            throw new ConfigException(config.source() + ": key '" + MAX_STANZA_SIZE_KEY + "' is '"
                    + config.get(MAX_STANZA_SIZE_KEY, "") + "', expected a size from 1KiB to 2GiB such as 256KiB");
        }
        int maxDepth = config.getInt(MAX_DEPTH_KEY, StanzaLimits.DEFAULT.maxDepth());
        if (maxDepth < 2 || maxDepth > StanzaLimits.CEILING.maxDepth()) {
            throw new ConfigException(config.source() + ": key '" + MAX_DEPTH_KEY + "' is '" + maxDepth
                    + "', expected a number of element levels from 2 to " + StanzaLimits.CEILING.maxDepth());
        }
        int maxAttributes = config.getInt(MAX_ATTRIBUTES_KEY, StanzaLimits.DEFAULT.maxAttributes());
        if (maxAttributes < 8 || maxAttributes > StanzaLimits.CEILING.maxAttributes()) {
            throw new ConfigException(config.source() + ": key '" + MAX_ATTRIBUTES_KEY + "' is '" + maxAttributes
                    + "', expected a number of attributes per element from 8 to " + StanzaLimits.CEILING.maxAttributes());
        }
        Duration idle = config.getDuration(IDLE_TIMEOUT_KEY, Duration.ofMinutes(6));
        if (idle != null && idle.isZero()) {
            throw new ConfigException(config.source() + ": key '" + IDLE_TIMEOUT_KEY + "' is '0', expected a positive duration such as 6m, or -1 for never");
        }
        int io = config.getInt(IO_THREADS_KEY, Runtime.getRuntime().availableProcessors());
        int processing = config.getInt(PROCESSING_THREADS_KEY, 8);
        if (io < 1) {
            throw new ConfigException(config.source() + ": key '" + IO_THREADS_KEY + "' is '" + io + "', expected a positive number");
        }
        if (processing < 1) {
            throw new ConfigException(config.source() + ": key '" + PROCESSING_THREADS_KEY + "' is '" + processing
                    + "', expected a positive number");
        }
        String bind = config.get(BIND_ADDRESS_KEY, "0.0.0.0").trim();
        if (bind.isEmpty()) {
            throw new ConfigException(config.source() + ": key '" + BIND_ADDRESS_KEY + "' is empty, expected an IP address such as 0.0.0.0 or 127.0.0.1");
        }
        return new C2sSettings(bind, port, new StanzaLimits((int) maxSize, maxDepth, maxAttributes), idle, io, processing,
                ConnectionLimits.from(config), OutboundLimits.from(config), InboundLimits.from(config));
    }
}
