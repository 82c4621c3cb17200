package org.skein.pubsub;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.skein.cache.CacheSizes;
import org.skein.cache.Cacheable;

/**
 * A node as the database holds it, apart from its items: configuration, affiliations and
 * subscriptions, at one version. Immutable; the value the node caches hold.
 *
 * @param service the service: the component's domain, or a PEP owner's bare JID
 * @param node the node's name
 * @param creator the JID that created it
 * @param created when, in epoch milliseconds
 * @param version bumped by every change of the node (items carry the version that published them)
 * @param affiliations JID (bare) → affiliation, without {@code none}
 * @param subscribers the subscriptions
 */
public record NodeState(String service, String node, NodeConfig config, String creator, long created, long version,
                        Map<String, Affiliation> affiliations, List<Subscriber> subscribers)
        implements Serializable, Cacheable {

    private static final long serialVersionUID = 1L;

    public NodeState {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(config, "config");
        affiliations = Map.copyOf(affiliations);
        subscribers = List.copyOf(subscribers);
    }

    /** The affiliation of a bare JID ({@code none} if it has none). */
    public Affiliation affiliation(String bareJid) {
        return affiliations.getOrDefault(bareJid, Affiliation.NONE);
    }

    @Override
    public int getCachedSize() {
        long size = 256 + CacheSizes.sizeOf(service) + CacheSizes.sizeOf(node) + 64L * affiliations.size();
        for (Subscriber s : subscribers) {
            size += 96 + CacheSizes.sizeOf(s.jid()) + CacheSizes.sizeOf(s.options());
        }
        return (int) Math.min(Integer.MAX_VALUE, size);
    }
}
