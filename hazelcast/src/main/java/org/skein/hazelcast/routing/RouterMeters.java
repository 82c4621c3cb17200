package org.skein.hazelcast.routing;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import org.skein.cluster.NodeID;

/**
 * The packet router's meters in the node's registry, one set per other node ({@code peer} tag): batches
 * and bytes sent and received, stanzas per batch, the round trip of a batch (sent until answered), the
 * stanzas queued for each peer, what was handed back to the routing table (as for offline recipients) and
 * why, busy answers, waits for room and batches that could not be read. See {@code docs/metrics.md}.
 *
 * <p>Lives as long as the plugin's provider, across the routers of successive memberships: counters keep
 * counting when the node rejoins; the queue gauge reads the router that runs now ({@link #attach}).
 * Thread-safe; recording is a few atomic adds on the batch path (never per byte).
 */
public final class RouterMeters {

    /** Why stanzas were handed back to the routing table. */
    enum HandBack {
        /** The destination's queue stayed full for the enqueue timeout. */
        QUEUE_FULL("queue_full"),
        /** A batch failed, or another one in flight with it (the order could not be kept). */
        BATCH_FAILED("batch_failed"),
        /** A batch was not answered within the batch timeout. */
        BATCH_TIMEOUT("batch_timeout"),
        /** The destination left or crashed. */
        NODE_LEFT("node_left"),
        /** This node left the cluster. */
        LEAVING("leaving");

        final String tag;

        HandBack(String tag) {
            this.tag = tag;
        }
    }

    private static final Duration[] ROUND_TRIP_BUCKETS = {
        Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(2),
        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
        Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(30)};
    private static final Duration[] STAGE_BUCKETS = {
        Duration.ofNanos(10_000), Duration.ofNanos(25_000), Duration.ofNanos(50_000), Duration.ofNanos(100_000),
        Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
        Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofSeconds(1)};
    private static final double[] BATCH_SIZE_BUCKETS = {1, 2, 5, 10, 50, 100, 500, 1000};

    private final MeterRegistry registry;
    private final Map<NodeID, Peer> peers = new ConcurrentHashMap<>();
    private volatile ToLongFunction<NodeID> queuedNow = node -> 0;
    private final StreamMeters stream;

    public RouterMeters(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.stream = new StreamMeters(registry);
    }

    /** The direct stanza stream's connection meters. */
    StreamMeters stream() {
        return stream;
    }

    /** Meters in a registry of their own, read by nobody (for providers made without a node's registry). */
    public static RouterMeters unregistered() {
        return new RouterMeters(new SimpleMeterRegistry());
    }

    /** The router that runs now: the queue gauges read it. */
    void attach(ToLongFunction<NodeID> queuedFor) {
        this.queuedNow = Objects.requireNonNull(queuedFor, "queuedFor");
    }

    /** The router stopped: the queue gauges read 0 until the next one is attached. */
    void detach(ToLongFunction<NodeID> queuedFor) {
        if (queuedNow == queuedFor) {
            queuedNow = node -> 0;
        }
    }

    /** The meters of one other node, registered at its first use. */
    Peer peer(NodeID node) {
        Peer peer = peers.get(node);
        return peer != null ? peer : peers.computeIfAbsent(node, Peer::new);
    }

    /** The meters of one other node. */
    final class Peer {
        private final NodeID node;
        private final Counter batchesSent;
        private final Counter bytesSent;
        private final DistributionSummary stanzasPerBatchSent;
        private final Timer roundTrip;
        private final Timer queued;
        private final Timer invoked;
        private final Timer handling;
        private final Counter busy;
        private final Counter queueFull;
        private final Map<HandBack, Counter> handedBack = new ConcurrentHashMap<>();
        private final Counter batchesReceived;
        private final Counter bytesReceived;
        private final DistributionSummary stanzasPerBatchReceived;
        private final Counter unreadable;
        private final Counter delivered;
        private final Counter undeliverable;
        private final Counter malformed;

        private Peer(NodeID node) {
            this.node = node;
            String peer = node.value();
            batchesSent = Counter.builder("skein.cluster.batches.sent").tag("peer", peer)
                    .description("Batches of stanzas sent to the peer node (a batch refused as busy and sent again counts again)")
                    .register(registry);
            bytesSent = Counter.builder("skein.cluster.bytes.sent").tag("peer", peer)
                    .description("Bytes of stanza batches sent to the peer node (the batch payload)").register(registry);
            stanzasPerBatchSent = DistributionSummary.builder("skein.cluster.batch.stanzas").tags("peer", peer, "direction", "sent")
                    .serviceLevelObjectives(BATCH_SIZE_BUCKETS)
                    .description("Stanza entries per batch").register(registry);
            roundTrip = Timer.builder("skein.cluster.batch.roundtrip").tag("peer", peer)
                    .serviceLevelObjectives(ROUND_TRIP_BUCKETS)
                    .description("From sending a batch to the peer's answer (taken in order and handed to its delivery)")
                    .register(registry);
            queued = Timer.builder("skein.cluster.stanza.queued").tag("peer", peer).serviceLevelObjectives(STAGE_BUCKETS)
                    .description("From routePacket (serializing included) until the stanza's batch leaves: the wait for a free "
                            + "slot behind the batches in flight").register(registry);
            invoked = Timer.builder("skein.cluster.batch.send").tag("peer", peer).serviceLevelObjectives(STAGE_BUCKETS)
                    .description("The sending thread's call that hands a batch to Hazelcast (its serialization, the invocation)")
                    .register(registry);
            handling = Timer.builder("skein.cluster.batch.handling").tag("peer", peer).serviceLevelObjectives(STAGE_BUCKETS)
                    .description("On the receiving node: taking a batch from the peer (decode, order, hand-over to the delivery lanes)")
                    .register(registry);
            busy = Counter.builder("skein.cluster.batches.busy").tag("peer", peer)
                    .description("Batches the peer refused because its delivery was full (sent again shortly)").register(registry);
            queueFull = Counter.builder("skein.cluster.queue.full").tag("peer", peer)
                    .description("Times a sender found the queue to the peer full and waited for room").register(registry);
            batchesReceived = Counter.builder("skein.cluster.batches.received").tag("peer", peer)
                    .description("Batches of stanzas received from the peer node").register(registry);
            bytesReceived = Counter.builder("skein.cluster.bytes.received").tag("peer", peer)
                    .description("Bytes of stanza batches received from the peer node").register(registry);
            stanzasPerBatchReceived = DistributionSummary.builder("skein.cluster.batch.stanzas").tags("peer", peer, "direction", "received")
                    .serviceLevelObjectives(BATCH_SIZE_BUCKETS)
                    .description("Stanza entries per batch").register(registry);
            unreadable = Counter.builder("skein.cluster.batches.unreadable").tag("peer", peer)
                    .description("Batches from the peer that could not be read (logged and dropped)").register(registry);
            delivered = received("delivered");
            undeliverable = received("undeliverable");
            malformed = received("malformed");
            Gauge.builder("skein.cluster.queue", this, p -> queuedNow.applyAsLong(p.node)).tag("peer", peer)
                    .description("Stanzas for the peer node queued or in flight (not yet acknowledged)").register(registry);
        }

        private Counter received(String outcome) {
            return Counter.builder("skein.cluster.stanzas.received").tags("peer", node.value(), "outcome", outcome)
                    .description("Stanza deliveries from the peer node: delivered to a session, undeliverable (the session "
                            + "was gone: handled as for an offline recipient), malformed").register(registry);
        }

        void sent(int stanzas, int bytes) {
            batchesSent.increment();
            bytesSent.increment(bytes);
            stanzasPerBatchSent.record(stanzas);
        }

        void answered(long nanos) {
            roundTrip.record(nanos, TimeUnit.NANOSECONDS);
        }

        void queued(long nanos) {
            queued.record(nanos, TimeUnit.NANOSECONDS);
        }

        void invoked(long nanos) {
            invoked.record(nanos, TimeUnit.NANOSECONDS);
        }

        void handled(long nanos) {
            handling.record(nanos, TimeUnit.NANOSECONDS);
        }

        void busy() {
            busy.increment();
        }

        void queueFull() {
            queueFull.increment();
        }

        void handedBack(HandBack why, int stanzas) {
            handedBack.computeIfAbsent(why, w -> Counter.builder("skein.cluster.stanzas.handed.back")
                    .tags("peer", node.value(), "reason", w.tag)
                    .description("Stanzas for the peer given back to the routing table, handled as for an offline recipient "
                            + "(other resources, offline storage or an error)").register(registry)).increment(stanzas);
        }

        void received(int bytes) {
            batchesReceived.increment();
            bytesReceived.increment(bytes);
        }

        void receivedStanzas(int entries) {
            stanzasPerBatchReceived.record(entries);
        }

        void unreadable() {
            unreadable.increment();
        }

        void delivered() {
            delivered.increment();
        }

        void undeliverable() {
            undeliverable.increment();
        }

        void malformed() {
            malformed.increment();
        }
    }
}
