package org.skein.hazelcast.routing;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.skein.cluster.NodeID;

/**
 * The stanzas for one destination node: a bounded queue and up to {@code batchesInFlight} batches on
 * their way. Each batch carries its stream and sequence number; the destination delivers a stream's
 * batches in sequence order ({@link SourceSequence}), so several may travel at once and the order of
 * the queue is kept. When nothing is in flight, whatever waits leaves at once as a batch (up to the
 * size limits): nobody waits to fill a batch, so an idle destination gets each stanza at once. While
 * batches are on their way, another one leaves only when a full batch waits: under a moderate load
 * what arrives meanwhile gathers into the next batch (fewer, larger batches cost less on both nodes),
 * and under a heavy load full batches travel back to back.
 *
 * <p>The destination's answer to a batch says up to which sequence number the stream is delivered;
 * a batch that arrived before an earlier one stays in flight until an answer covers it. When a batch
 * fails or is overdue, every batch in flight is given up (handed back: the destination may never
 * get the missing one, so it could not deliver the later ones in order) and the next batch starts
 * a new stream, which the destination follows from its first batch on.
 *
 * <p>Methods that hand out batches return them; the caller sends them outside the lock. Thread-safe.
 */
final class Outbox {

    /** Why a stanza was not queued. */
    enum Refusal { CLOSED, TIMED_OUT }

    /** A batch on its way: its stanzas stay here until acknowledged. */
    static final class Batch {
        final long stream;
        final long seq;
        final List<QueuedStanza> stanzas;
        final long sentAt;

        Batch(long stream, long seq, List<QueuedStanza> stanzas, long sentAt) {
            this.stream = stream;
            this.seq = seq;
            this.stanzas = stanzas;
            this.sentAt = sentAt;
        }
    }

    /** The result of an offer: accepted (maybe with a batch to send now), or refused. */
    record Offer(Refusal refusal, Batch toSend) {
        static final Offer QUEUED = new Offer(null, null);
        static final Offer CLOSED = new Offer(Refusal.CLOSED, null);
        static final Offer TIMED_OUT = new Offer(Refusal.TIMED_OUT, null);

        boolean accepted() {
            return refusal == null;
        }
    }

    /** Batches that were given up: their stanzas go back to the routing table; {@code next} are to be sent. */
    record Failure(List<QueuedStanza> failed, List<Batch> next) {
    }

    private final NodeID node;
    private final Object member;
    private final DestinationCounters counters;
    private final int capacity;
    private final int batchSize;
    private final long batchBytes;
    private final int window;
    private final LongSupplier nanoTime;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notFull = lock.newCondition();
    private final ArrayDeque<QueuedStanza> waiting = new ArrayDeque<>();
    private long waitingBytes;
    /** In sequence order. */
    private final ArrayDeque<Batch> inFlight = new ArrayDeque<>();
    private long stream;
    private long lastSeq;
    private boolean closed;

    /**
     * @param firstStream the id of the first stream; later ones count up from it. It must be larger than
     *     any stream an earlier outbox of this router used for the destination (the router gives each
     *     outbox its own range; a restarted node is a new member, whose streams the destination follows anew)
     */
    Outbox(NodeID node, Object member, DestinationCounters counters, RouterSettings settings, LongSupplier nanoTime,
           long firstStream) {
        this.node = node;
        this.member = member;
        this.counters = counters;
        this.capacity = settings.queueSize();
        this.batchSize = settings.batchSize();
        this.batchBytes = settings.batchBytes();
        this.window = settings.batchesInFlight();
        this.nanoTime = nanoTime;
        this.stream = firstStream;
    }

    NodeID node() {
        return node;
    }

    /** Whether the batch is still on its way (not acknowledged, not given up). */
    boolean inFlight(Batch batch) {
        lock.lock();
        try {
            return batch.stream == stream && inFlight.contains(batch);
        } finally {
            lock.unlock();
        }
    }

    /** The Hazelcast member this outbox sends to (a node that rejoins is a new member and gets a new outbox). */
    Object member() {
        return member;
    }

    /**
     * Queues a stanza, waiting up to {@code timeoutNanos} for room when the queue is full.
     *
     * @return accepted, with the batch to send now if one may leave; or refused (closed, timed out)
     */
    Offer offer(QueuedStanza stanza, long timeoutNanos) throws InterruptedException {
        lock.lock();
        try {
            if (!closed && waiting.size() >= capacity) {
                counters.pushback();
                long left = timeoutNanos;
                while (!closed && waiting.size() >= capacity) {
                    if (left <= 0) {
                        return Offer.TIMED_OUT;
                    }
                    left = notFull.awaitNanos(left);
                }
            }
            if (closed) {
                return Offer.CLOSED;
            }
            waiting.add(stanza);
            waitingBytes += stanza.wireSize();
            counters.queued.incrementAndGet();
            return mayTakeBatch() ? new Offer(null, takeBatch()) : Offer.QUEUED;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The destination answered for {@code stream}: it has delivered every batch up to {@code deliveredUpTo}.
     * Those are counted and dropped; the free slots are filled.
     *
     * @return the batches to send now (none if the answer is old: a given-up stream, or nothing new)
     */
    List<Batch> acknowledged(long stream, long deliveredUpTo) {
        lock.lock();
        try {
            if (stream != this.stream) {
                return List.of(); // given up meanwhile (failed, timed out, node left): already handed back
            }
            while (!inFlight.isEmpty() && inFlight.peekFirst().seq <= deliveredUpTo) {
                Batch done = inFlight.pollFirst();
                counters.queued.addAndGet(-done.stanzas.size());
                counters.sent.addAndGet(done.stanzas.size());
                counters.batches.incrementAndGet();
            }
            return fill();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The batch failed (or timed out): it and every other batch in flight are given up, to be handed back
     * in order, and the next batches start a new stream. They are sent anyway: the destination may well
     * be alive, and if it is gone the node-left event closes the box.
     *
     * @return {@code null} if the batch was no longer in flight
     */
    Failure failed(Batch batch) {
        lock.lock();
        try {
            if (batch.stream != stream || !inFlight.contains(batch)) {
                return null;
            }
            List<QueuedStanza> failed = new ArrayList<>();
            for (Batch given : inFlight) {
                failed.addAll(given.stanzas);
            }
            inFlight.clear();
            counters.queued.addAndGet(-failed.size());
            counters.failed.addAndGet(failed.size());
            stream++;
            lastSeq = 0;
            return new Failure(failed, fill());
        } finally {
            lock.unlock();
        }
    }

    /** The oldest batch in flight if it was sent more than {@code timeoutNanos} ago, else {@code null}. */
    Batch overdue(long timeoutNanos) {
        lock.lock();
        try {
            Batch oldest = inFlight.peekFirst();
            return oldest != null && nanoTime.getAsLong() - oldest.sentAt > timeoutNanos ? oldest : null;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Closes the box: nothing more is accepted, waiting senders are released, and every stanza not yet
     * acknowledged (in flight or waiting) is returned, in order, to be handed back.
     */
    List<QueuedStanza> close() {
        lock.lock();
        try {
            closed = true;
            List<QueuedStanza> left = new ArrayList<>();
            for (Batch batch : inFlight) {
                left.addAll(batch.stanzas);
            }
            inFlight.clear();
            left.addAll(waiting);
            waiting.clear();
            waitingBytes = 0;
            counters.queued.addAndGet(-left.size());
            counters.failed.addAndGet(left.size());
            notFull.signalAll();
            return left;
        } finally {
            lock.unlock();
        }
    }

    /** Whether nothing waits and nothing is in flight. */
    boolean isIdle() {
        lock.lock();
        try {
            return inFlight.isEmpty() && waiting.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the box is idle or the time is up. */
    boolean awaitIdle(long timeoutNanos) throws InterruptedException {
        long deadline = nanoTime.getAsLong() + timeoutNanos;
        while (!isIdle()) {
            if (nanoTime.getAsLong() > deadline) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(5); // only on a clean leave; the senders are gone by then
        }
        return true;
    }

    private List<Batch> fill() {
        if (!mayTakeBatch()) {
            return List.of();
        }
        List<Batch> batches = new ArrayList<>(1);
        do {
            batches.add(takeBatch());
        } while (mayTakeBatch());
        return batches;
    }

    /** Whether a batch may leave now: something waits, and nothing is in flight or a full batch waits for a free slot. */
    private boolean mayTakeBatch() {
        if (closed || waiting.isEmpty()) {
            return false;
        }
        return inFlight.isEmpty() || (inFlight.size() < window && (waiting.size() >= batchSize || waitingBytes >= batchBytes));
    }

    private Batch takeBatch() {
        List<QueuedStanza> stanzas = new ArrayList<>(Math.min(waiting.size(), batchSize));
        long bytes = 0;
        while (!waiting.isEmpty() && stanzas.size() < batchSize) {
            QueuedStanza next = waiting.peek();
            if (!stanzas.isEmpty() && bytes + next.wireSize() > batchBytes) {
                break;
            }
            stanzas.add(waiting.poll());
            bytes += next.wireSize();
            waitingBytes -= next.wireSize();
        }
        Batch batch = new Batch(stream, ++lastSeq, stanzas, nanoTime.getAsLong());
        inFlight.addLast(batch);
        notFull.signalAll();
        return batch;
    }
}
