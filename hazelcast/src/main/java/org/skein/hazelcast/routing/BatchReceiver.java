package org.skein.hazelcast.routing;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.skein.cluster.NodeID;
import org.skein.hazelcast.logging.RateLimitedLog;
import org.skein.routing.InboundDelivery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiving end on the destination node: reads a batch's bytes and hands each stanza, in the order
 * of the batch, to the node's {@link InboundDelivery}, which delivers it on the node's own threads
 * (as it is or parsed, or as undeliverable when the session is gone). This runs on a Hazelcast
 * executor thread and never waits: not for a session, a lock, the database or another thread. Bad
 * bytes are counted, logged at most a few times a minute ({@link RateLimitedLog}) and never stop the
 * rest of the batch or the node. Thread-safe; the
 * batches of one sender may arrive at once and in any order, and are handed over one after the other
 * in the sender's sequence ({@link SourceSequence}), so the delivery sees them in order.
 *
 * <p>While the node's delivery has no room ({@link InboundDelivery#hasRoom()}), a batch is not taken:
 * the answer is {@link #BUSY} and the sender sends it again a little later (its stanzas stay queued
 * there, pushing back on the senders).
 *
 * <p>The order is kept per sending member: a node's member has an epoch (its member UUID), and a node
 * that restarts or rejoins is a new member whose first stream is followed at once, whatever the
 * clocks say. What is kept for a member that left ({@link #forget}) is dropped.
 *
 * <p>A batch that comes too late ({@link LateBatchGuard}: older than its sender's timeout allows, or taken
 * after this node was paused long enough for the sender to give up on it) is not delivered: it is dropped
 * and counted, the rest of its stream with it, and the answer {@link SourceSequence#LATE} tells the sender
 * to hand it back. So each stanza takes one path: delivered here, or handed back by the sender.
 */
final class BatchReceiver {

    /** One sending member: its node and its epoch. */
    private record Source(NodeID node, String epoch) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(BatchReceiver.class);

    /** The answer for a batch that was not taken because the node's delivery is full: the sender tries again. */
    static final long BUSY = -2;

    private final NodeID localNode;
    private final InboundDelivery delivery;
    private final RouterMeters meters;
    private final RateLimitedLog warnings;
    private final Map<NodeID, SourceCounters> sources = new ConcurrentHashMap<>();
    private final Map<Source, SourceSequence<List<QueuedStanza>>> sequences = new ConcurrentHashMap<>();
    private final LateBatchGuard guard;
    private volatile Runnable beforeBatch = () -> { };

    BatchReceiver(NodeID localNode, InboundDelivery delivery) {
        this(localNode, delivery, RouterMeters.unregistered(), Clock.systemUTC(), new LateBatchGuard(System::nanoTime));
    }

    BatchReceiver(NodeID localNode, InboundDelivery delivery, RouterMeters meters) {
        this(localNode, delivery, meters, Clock.systemUTC(), new LateBatchGuard(System::nanoTime));
    }

    BatchReceiver(NodeID localNode, InboundDelivery delivery, Clock clock) {
        this(localNode, delivery, RouterMeters.unregistered(), clock, new LateBatchGuard(System::nanoTime));
    }

    BatchReceiver(NodeID localNode, InboundDelivery delivery, LateBatchGuard guard) {
        this(localNode, delivery, RouterMeters.unregistered(), Clock.systemUTC(), guard);
    }

    BatchReceiver(NodeID localNode, InboundDelivery delivery, RouterMeters meters, Clock clock, LateBatchGuard guard) {
        this.localNode = localNode;
        this.delivery = delivery;
        this.meters = meters;
        this.warnings = RateLimitedLog.perMinute(LOG, clock);
        this.guard = guard;
    }

    /** The guard that judges batches' lateness; the router's pulse thread observes the clock through it. */
    LateBatchGuard guard() {
        return guard;
    }

    /** Takes a batch whose timing is not known: it is never judged late (for tests of the order). */
    long receive(NodeID sender, String epoch, long stream, long seq, byte[] bytes) {
        return receive(sender, epoch, stream, seq, null, bytes);
    }

    /**
     * Takes one batch of a sender's stream: delivers it now if it is the next one (with the batches that
     * arrived early and follow it), else keeps it until its turn ({@link SourceSequence}).
     *
     * @return up to which sequence number the sender's stream is delivered (the sender's acknowledgement),
     *     {@link SourceSequence#STALE} for a batch of a stream the sender gave up, {@link SourceSequence#LATE}
     *     for a batch refused as late (the sender hands it back), or {@link #BUSY} if the batch was not taken
     *     (the node's delivery is full): the sender sends it again
     * @param timing when the batch left and the sender's bounds, or {@code null} if not known
     */
    long receive(NodeID sender, String epoch, long stream, long seq, StanzaBatch.Timing timing, byte[] bytes) {
        long start = System.nanoTime();
        try {
            return take(sender, epoch, stream, seq, timing, bytes);
        } finally {
            meters.peer(sender).handled(System.nanoTime() - start);
        }
    }

    private long take(NodeID sender, String epoch, long stream, long seq, StanzaBatch.Timing timing, byte[] bytes) {
        SourceCounters counters = counters(sender);
        if (!delivery.hasRoom()) {
            return BUSY;
        }
        counters.batches.incrementAndGet();
        RouterMeters.Peer peer = meters.peer(sender);
        peer.received(bytes == null ? 0 : bytes.length);
        List<QueuedStanza> stanzas;
        try {
            stanzas = BatchCodec.decode(bytes);
            peer.receivedStanzas(stanzas.size());
        } catch (IllegalArgumentException e) {
            counters.malformed.incrementAndGet();
            peer.unreadable();
            warnings.warn("unreadable-batch", "Node {} received a batch from node {} that cannot be read; it is dropped: {}", localNode, sender, e.getMessage());
            stanzas = List.of(); // it still takes its turn, or the batches after it would wait forever
        }
        String member = sender.value() + "/" + (epoch == null ? "" : epoch);
        try {
            return sequence(sender, epoch == null ? "" : epoch).accept(stream, seq, stanzas, batch -> {
                LateBatchGuard.Verdict verdict = timing == null ? LateBatchGuard.Verdict.ON_TIME
                        : guard.judge(member, timing.sentAt(), timing.timeoutNanos(), timing.silenceNanos());
                if (verdict.late()) {
                    counters.late.addAndGet(batch.size());
                    warnings.warn("late-batch", "Node {} dropped a batch of {} stanza(s) from node {} that came too late ({}); the sender hands "
                            + "them back (to other resources, offline storage or an error), so none is delivered twice",
                            localNode, batch.size(), sender, verdict.reason());
                    return false;
                }
                deliverBatch(sender, batch, counters, peer);
                return true;
            });
        } catch (IllegalArgumentException e) {
            counters.malformed.incrementAndGet();
            peer.unreadable();
            warnings.warn("batch-out-of-sequence", "Node {} received a batch from node {} out of any sequence; it is dropped: {}", localNode, sender, e.getMessage());
            return SourceSequence.STALE;
        }
    }

    /** Hands one batch over, in its turn; never throws (the batches after it wait for it). */
    private void deliverBatch(NodeID sender, List<QueuedStanza> stanzas, SourceCounters counters, RouterMeters.Peer peer) {
        try {
            beforeBatch.run();
            InboundDelivery.Report report = (recipient, outcome) -> {
                switch (outcome) {
                    case DELIVERED -> {
                        counters.delivered.incrementAndGet();
                        peer.delivered();
                    }
                    case UNDELIVERABLE -> {
                        counters.undeliverable.incrementAndGet();
                        peer.undeliverable();
                    }
                    case MALFORMED -> {
                        counters.malformed.incrementAndGet();
                        peer.malformed();
                    }
                }
            };
            for (QueuedStanza stanza : stanzas) {
                delivery.deliver(sender, stanza.recipients(), stanza.addressing(), stanza.xml(), report);
            }
        } catch (RuntimeException e) {
            warnings.warn("batch-hand-over", "Node {} could not hand over all of a batch from node {}", localNode, sender, e);
        }
    }

    /** The sequence of a sending member; the first batch of a new member of a node drops what its earlier members left. */
    private SourceSequence<List<QueuedStanza>> sequence(NodeID sender, String epoch) {
        Source source = new Source(sender, epoch);
        SourceSequence<List<QueuedStanza>> sequence = sequences.get(source);
        if (sequence != null) {
            return sequence;
        }
        sequences.keySet().removeIf(s -> s.node().equals(sender) && !s.epoch().equals(epoch));
        return sequences.computeIfAbsent(source, s -> new SourceSequence<>());
    }

    /**
     * A member of another node left or crashed: the order kept for it is dropped (its batches that are
     * still parked were handed back by the sender, or died with it).
     *
     * @return whether anything was kept for it
     */
    boolean forget(NodeID node, String epoch) {
        guard.forget(node.value() + "/" + (epoch == null ? "" : epoch));
        return sequences.remove(new Source(node, epoch == null ? "" : epoch)) != null;
    }

    /** How many sending members of this node the receiver keeps an order for (for tests and figures). */
    int members(NodeID node) {
        return (int) sequences.keySet().stream().filter(s -> s.node().equals(node)).count();
    }

    private SourceCounters counters(NodeID sender) {
        return sources.computeIfAbsent(sender, n -> new SourceCounters());
    }

    Map<NodeID, SourceCounters> sources() {
        return sources;
    }

    /** Runs before each batch is handed over, on the receiving (Hazelcast) thread: tests stall a node with it. */
    void beforeEachBatch(Runnable hook) {
        this.beforeBatch = hook == null ? () -> { } : hook;
    }
}
