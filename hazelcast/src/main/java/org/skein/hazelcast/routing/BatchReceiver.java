package org.skein.hazelcast.routing;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.skein.cluster.NodeID;
import org.skein.routing.RoutingTable;
import org.skein.xmpp.stream.RawStanzas;
import org.skein.xmpp.stream.StanzaParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.JID;
import org.xmpp.packet.Packet;

/**
 * The receiving end on the destination node: reads a batch's bytes and delivers each stanza to its
 * local session, in the order of the batch. A well-formed message or IQ for a session on this node is
 * written to the session's connection as the sender serialized it ({@link RawStanzas}); anything else
 * (a presence, a recipient whose session is gone) is parsed into a packet and handled as one. A session that is gone meanwhile makes its
 * stanza undeliverable here (a message goes to the user's other resources or offline storage, an IQ
 * request gets an error), through {@link RoutingTable#remoteDeliveryFailed}. Bad bytes are logged and
 * counted and never stop the rest of the batch or the node. A large batch is delivered on several
 * threads, split by recipient (see {@link #deliverInLanes}). Thread-safe; the batches of one sender
 * may arrive at once and in any order, and are delivered one after the other in the sender's
 * sequence ({@link SourceSequence}).
 *
 * <p>The order is kept per sending member: a node's member has an epoch (its member UUID), and a node
 * that restarts or rejoins is a new member whose first stream is followed at once, whatever the
 * clocks say. What is kept for a member that left ({@link #forget}) is dropped.
 */
final class BatchReceiver {

    /** One sending member: its node and its epoch. */
    private record Source(NodeID node, String epoch) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(BatchReceiver.class);

    /** Below this many stanzas a batch is delivered on one thread: handing work over costs more. */
    private static final int PARALLEL_FROM = 16;

    private final NodeID localNode;
    private final RoutingTable routingTable;
    private final Executor lanes;
    private final int laneCount;
    private final Map<NodeID, SourceCounters> sources = new ConcurrentHashMap<>();
    private final Map<Source, SourceSequence<List<QueuedStanza>>> sequences = new ConcurrentHashMap<>();
    private volatile Runnable beforeBatch = () -> { };

    /**
     * @param lanes runs the extra delivery lanes of a large batch
     * @param laneCount how many lanes a large batch is split into (1: one thread delivers everything)
     */
    BatchReceiver(NodeID localNode, RoutingTable routingTable, Executor lanes, int laneCount) {
        this.localNode = localNode;
        this.routingTable = routingTable;
        this.lanes = lanes;
        this.laneCount = Math.max(1, laneCount);
    }

    /**
     * Takes one batch of a sender's stream: delivers it now if it is the next one (with the batches that
     * arrived early and follow it), else keeps it until its turn ({@link SourceSequence}).
     *
     * @return up to which sequence number the sender's stream is delivered (the sender's acknowledgement),
     *     or {@link SourceSequence#STALE} for a batch of a stream the sender gave up
     */
    long receive(NodeID sender, String epoch, long stream, long seq, byte[] bytes) {
        SourceCounters counters = counters(sender);
        counters.batches.incrementAndGet();
        List<QueuedStanza> stanzas;
        try {
            stanzas = BatchCodec.decode(bytes);
        } catch (IllegalArgumentException e) {
            counters.malformed.incrementAndGet();
            LOG.warn("Node {} received a batch from node {} that cannot be read; it is dropped: {}", localNode, sender, e.getMessage());
            stanzas = List.of(); // it still takes its turn, or the batches after it would wait forever
        }
        try {
            return sequence(sender, epoch == null ? "" : epoch)
                    .accept(stream, seq, stanzas, batch -> deliverBatch(sender, batch, counters));
        } catch (IllegalArgumentException e) {
            counters.malformed.incrementAndGet();
            LOG.warn("Node {} received a batch from node {} out of any sequence; it is dropped: {}", localNode, sender, e.getMessage());
            return SourceSequence.STALE;
        }
    }

    /** Delivers one batch, in its turn; never throws (the batches after it wait for it). */
    private void deliverBatch(NodeID sender, List<QueuedStanza> stanzas, SourceCounters counters) {
        try {
            beforeBatch.run();
            if (laneCount == 1 || stanzas.size() < PARALLEL_FROM) {
                for (QueuedStanza stanza : stanzas) {
                    deliver(sender, stanza, counters);
                }
            } else {
                deliverInLanes(sender, stanzas, counters);
            }
        } catch (RuntimeException e) {
            LOG.warn("Node {} could not deliver all of a batch from node {}", localNode, sender, e);
        }
    }

    /**
     * Delivers a large batch on several threads, split by recipient: each recipient's stanzas stay in
     * one lane, in order, so the order per sender and recipient holds; the batch is acknowledged when
     * every lane is done, so the next batch never overtakes this one.
     */
    private void deliverInLanes(NodeID sender, List<QueuedStanza> stanzas, SourceCounters counters) {
        List<List<QueuedStanza>> split = new ArrayList<>(laneCount);
        for (int i = 0; i < laneCount; i++) {
            split.add(new ArrayList<>(stanzas.size() / laneCount + 1));
        }
        for (QueuedStanza stanza : stanzas) {
            split.get(Math.floorMod(stanza.recipient().hashCode(), laneCount)).add(stanza);
        }
        List<Runnable> work = new ArrayList<>(laneCount);
        for (List<QueuedStanza> lane : split) {
            if (!lane.isEmpty()) {
                work.add(() -> lane.forEach(stanza -> deliver(sender, stanza, counters)));
            }
        }
        CountDownLatch done = new CountDownLatch(work.size() - 1);
        for (Runnable lane : work.subList(1, work.size())) {
            try {
                lanes.execute(() -> {
                    try {
                        lane.run();
                    } finally {
                        done.countDown();
                    }
                });
            } catch (RejectedExecutionException e) {
                lane.run(); // stopping: deliver here
                done.countDown();
            }
        }
        work.get(0).run();
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while delivering a batch from node " + sender, e);
        }
    }

    private void deliver(NodeID sender, QueuedStanza stanza, SourceCounters counters) {
        // a message or IQ for a session here goes to its connection as the sender wrote it (no parse, no re-serialization)
        if (RawStanzas.deliverableAsIs(stanza.xml())
                && routingTable.deliverXmlToLocal(stanza.recipient(), new String(stanza.xml(), StandardCharsets.UTF_8))) {
            counters.delivered.incrementAndGet();
            return;
        }
        JID recipient;
        Packet packet;
        try {
            recipient = new JID(stanza.recipient());
            packet = StanzaParser.parsePacket(strictUtf8(stanza.xml()));
        } catch (RuntimeException | CharacterCodingException e) {
            counters.malformed.incrementAndGet();
            LOG.warn("Node {} received a stanza from node {} for '{}' that cannot be read; it is dropped: {}", localNode, sender,
                    abbreviate(stanza.recipient()), e.getMessage());
            return;
        }
        try {
            if (routingTable.routeToFullJid(recipient, packet)) {
                counters.delivered.incrementAndGet();
                return;
            }
            counters.undeliverable.incrementAndGet();
            LOG.debug("Node {}: the session of {} is gone; the stanza from node {} is handled as undeliverable", localNode, recipient, sender);
            routingTable.remoteDeliveryFailed(localNode, recipient, packet);
        } catch (RuntimeException e) {
            counters.undeliverable.incrementAndGet();
            LOG.warn("Node {} could not deliver a stanza from node {} to {}", localNode, sender, recipient, e);
        }
    }

    private static String strictUtf8(byte[] bytes) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    }

    private static String abbreviate(String text) {
        return text.length() > 80 ? text.substring(0, 80) + "..." : text;
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

    /** Runs before each batch is delivered, on the delivering thread (tests stall a node with it). */
    void beforeEachBatch(Runnable hook) {
        this.beforeBatch = hook == null ? () -> { } : hook;
    }
}
