package org.skein.hazelcast.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.InterfacesConfig;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.skein.cluster.NodeID;
import org.skein.hazelcast.config.ClusterSecret;
import org.skein.hazelcast.config.PluginSettings;
import org.skein.hazelcast.routing.DirectStream;
import org.skein.hazelcast.routing.RouterMeters;
import org.skein.hazelcast.routing.StanzaTransportSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the node's {@link DirectStream} when {@code cluster.stanzaTransport} is {@code direct} (the default), once per join, as the
 * member's configuration is made: it listens where the member does (the one literal address of Hazelcast's
 * interfaces, else every address) unless {@code cluster.stanzaBindAddress} says otherwise, and its port
 * becomes a member attribute. Without a cluster secret there is no direct stream: an open port that anyone
 * could feed with stanzas is not acceptable, so the node keeps batches on Hazelcast (and warns if {@code direct}
 * was asked for).
 * Not thread-safe (one join at a time).
 */
final class DirectStreamOpener {

    private static final Logger LOG = LoggerFactory.getLogger(DirectStreamOpener.class);

    private final NodeID localNode;
    private final StanzaTransportSettings settings;
    private final Optional<ClusterSecret> secret;
    private final long batchBytes;
    private final Clock clock;
    private final String source;
    private final RouterMeters meters;
    private DirectStream stream;

    DirectStreamOpener(NodeID localNode, StanzaTransportSettings settings, Optional<ClusterSecret> secret, long batchBytes, Clock clock,
                       String source, RouterMeters meters) {
        this.meters = meters;
        this.localNode = localNode;
        this.settings = settings;
        this.secret = secret;
        this.batchBytes = batchBytes;
        this.clock = clock;
        this.source = source;
        if (settings.kind() == StanzaTransportSettings.Kind.DIRECT && secret.isEmpty() && !settings.kindSet()) {
            LOG.info("Node {}: no {}, so stanzas between nodes go on Hazelcast's executor (the direct stanza stream, the default "
                    + "with a secret, authenticates the nodes with it)", localNode, PluginSettings.SECRET);
        } else if (settings.kind() == StanzaTransportSettings.Kind.DIRECT && secret.isEmpty()) {
            LOG.warn("Node {}: {} asks for {}=direct, but the direct stanza stream needs {} (it authenticates the nodes with "
                    + "it); stanzas between nodes go on Hazelcast's executor", localNode, source, StanzaTransportSettings.TRANSPORT,
                    PluginSettings.SECRET);
        }
    }

    /** The member attributes for the direct stream (none if the node does not use it); opens the stream on first use. */
    Map<String, String> attributes(Config config) {
        if (settings.kind() != StanzaTransportSettings.Kind.DIRECT || secret.isEmpty()) {
            return Map.of();
        }
        if (stream == null) {
            String host = settings.bindAddress().orElseGet(() -> memberAddress(config));
            InetSocketAddress bind = host == null ? new InetSocketAddress(settings.port()) : new InetSocketAddress(host, settings.port());
            stream = DirectStream.open(localNode, secret.get(), bind, batchBytes, settings.tls(), clock, meters);
        }
        return Map.of(DirectStream.PORT_ATTRIBUTE, Integer.toString(stream.port()));
    }

    /** The direct stream, or {@code null} if the node does not use one. */
    DirectStream stream() {
        return stream;
    }

    void close() {
        if (stream != null) {
            stream.close();
            stream = null;
        }
    }

    /** The one literal address Hazelcast listens on, or {@code null} (every address). */
    private static String memberAddress(Config config) {
        if (Boolean.parseBoolean(config.getProperty("hazelcast.socket.bind.any"))) {
            return null;
        }
        InterfacesConfig interfaces = config.getNetworkConfig().getInterfaces();
        if (!interfaces.isEnabled() || interfaces.getInterfaces().size() != 1) {
            return null;
        }
        String address = interfaces.getInterfaces().iterator().next();
        return address.contains("*") || address.contains("-") ? null : address;
    }
}
