package org.skein.hazelcast.routing;

import java.util.Locale;
import java.util.Optional;
import org.skein.config.ConfigException;
import org.skein.config.ServerConfig;

/**
 * How stanza batches travel to other nodes, read from the node's {@code conf/skein.properties} and checked at
 * once. Every error names the file, the key and what was expected.
 *
 * <table>
 *   <caption>Keys</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code cluster.stanzaTransport}</td><td>{@code direct} with {@code cluster.secret}, else {@code hazelcast}</td>
 *       <td>{@code hazelcast}: batches ride Hazelcast's executor; {@code direct}: one authenticated TCP stream per peer
 *       ({@link DirectStream}), Hazelcast only for membership, maps and tasks (chosen as default by the figures in
 *       benchmarks/README.md). {@code direct} needs {@code cluster.secret}; a node without one uses {@code hazelcast}
 *       (with a warning if {@code direct} was set)</td></tr>
 *   <tr><td>{@code cluster.stanzaPort}</td><td>0</td><td>the port of the direct stream (0: any free port; the node
 *       publishes it in its member attributes, so peers find it)</td></tr>
 *   <tr><td>{@code cluster.stanzaBindAddress}</td><td>as the cluster's</td><td>the address the direct stream listens
 *       on; by default the one Hazelcast's interfaces name (one literal address), else every address</td></tr>
 *   <tr><td>{@code cluster.stanzaTls}</td><td>true</td><td>TLS 1.3 on the direct stream ({@link DirectTls});
 *       {@code false}: authenticated but plain text</td></tr>
 * </table>
 *
 * @param kind which transport (with a cluster secret; without one it is always Hazelcast's)
 * @param kindSet whether the configuration names the transport (else the default applies)
 * @param port the direct stream's port, 0 for any free one
 * @param bindAddress the direct stream's address, if set
 * @param tls whether the direct stream is encrypted
 */
public record StanzaTransportSettings(Kind kind, boolean kindSet, int port, Optional<String> bindAddress, boolean tls) {

    public static final String TRANSPORT = "cluster.stanzaTransport";
    public static final String PORT = "cluster.stanzaPort";
    public static final String BIND_ADDRESS = "cluster.stanzaBindAddress";
    public static final String TLS = "cluster.stanzaTls";

    /** The transports. */
    public enum Kind {
        /** Batches on Hazelcast's executor service. */
        HAZELCAST,
        /** Batches on a node-to-node stream of this plugin ({@link DirectStream}). */
        DIRECT
    }

    /** The defaults. */
    public static StanzaTransportSettings defaults() {
        return new StanzaTransportSettings(Kind.DIRECT, false, 0, Optional.empty(), true);
    }

    /**
     * Reads the keys.
     *
     * @throws ConfigException if a value is malformed or out of range
     */
    public static StanzaTransportSettings from(ServerConfig config) {
        boolean set = config.get(TRANSPORT).filter(v -> !v.isBlank()).isPresent();
        String value = config.get(TRANSPORT).filter(v -> !v.isBlank()).orElse("direct").strip().toLowerCase(Locale.ROOT);
        Kind kind = switch (value) {
            case "hazelcast" -> Kind.HAZELCAST;
            case "direct" -> Kind.DIRECT;
            default -> throw new ConfigException(config.source() + ": key '" + TRANSPORT + "' is '" + value
                    + "', expected 'hazelcast' or 'direct'");
        };
        int port = config.getInt(PORT, 0);
        if (port < 0 || port > 65535) {
            throw new ConfigException(config.source() + ": key '" + PORT + "' is '" + port + "', expected a port from 0 to 65535 "
                    + "(0: any free port)");
        }
        Optional<String> bind = config.get(BIND_ADDRESS).map(String::strip).filter(v -> !v.isEmpty());
        String tls = config.get(TLS, "true").strip().toLowerCase(Locale.ROOT);
        if (!tls.equals("true") && !tls.equals("false")) {
            throw new ConfigException(config.source() + ": key '" + TLS + "' is '" + tls + "', expected true or false");
        }
        return new StanzaTransportSettings(kind, set, port, bind, Boolean.parseBoolean(tls));
    }
}
