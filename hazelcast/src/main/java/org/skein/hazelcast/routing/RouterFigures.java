package org.skein.hazelcast.routing;

import java.io.Serializable;
import java.util.List;

/**
 * A snapshot of one node's packet router counters, since the node joined the cluster: what it sent to
 * each other node and what it received from each. Travels to the node page of any node.
 *
 * @param running whether the node's router runs (the node is a member of a cluster)
 * @param transport how other nodes' batches reach this node: {@code hazelcast}, {@code direct-tls} or
 *     {@code direct-plain} (nodes without a stanza port still use {@code hazelcast})
 * @param destinations one row per node this node sent to, by node id
 * @param sources one row per node this node received from, by node id
 */
public record RouterFigures(boolean running, String transport, List<Destination> destinations, List<Source> sources) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** A node's figures when it has no router. */
    public static RouterFigures notRunning() {
        return new RouterFigures(false, "", List.of(), List.of());
    }

    /**
     * @param node the destination's node id
     * @param member whether it is a member now
     * @param transport how batches reach it now: {@code hazelcast}, {@code direct-tls}, {@code direct-plain},
     *     or empty when it is not a member
     * @param queued stanzas waiting or in flight now
     * @param sent stanzas the destination acknowledged
     * @param failed stanzas handed back as undeliverable
     * @param batches batches acknowledged
     * @param pushbacks times a sender found the queue full and waited
     */
    public record Destination(String node, boolean member, String transport, long queued, long sent, long failed, long batches, long pushbacks)
            implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /**
     * @param node the sending node's id
     * @param batches batches received
     * @param delivered stanzas delivered to a session
     * @param undeliverable stanzas whose session was gone (handled as for an offline user)
     * @param malformed stanzas or batches that could not be read
     */
    public record Source(String node, long batches, long delivered, long undeliverable, long malformed) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** The sums over all destinations and sources. */
    public Destination sentTotal() {
        long queued = 0, sent = 0, failed = 0, batches = 0, pushbacks = 0;
        for (Destination d : destinations) {
            queued += d.queued();
            sent += d.sent();
            failed += d.failed();
            batches += d.batches();
            pushbacks += d.pushbacks();
        }
        return new Destination("*", true, "", queued, sent, failed, batches, pushbacks);
    }

    public Source receivedTotal() {
        long batches = 0, delivered = 0, undeliverable = 0, malformed = 0;
        for (Source s : sources) {
            batches += s.batches();
            delivered += s.delivered();
            undeliverable += s.undeliverable();
            malformed += s.malformed();
        }
        return new Source("*", batches, delivered, undeliverable, malformed);
    }
}
