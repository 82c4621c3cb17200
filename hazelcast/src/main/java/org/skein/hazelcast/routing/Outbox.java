package org.skein.hazelcast.routing;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.skein.cluster.NodeID;

/**
 * The stanzas for one destination node: a bounded queue and at most one batch in flight. The next
 * batch is taken when the previous one was acknowledged (or failed), so the destination gets the
 * batches one after the other and delivers in the order they were queued. A batch is whatever is
 * waiting, up to the size limits: nobody waits to fill a batch.
 *
 * <p>Methods that hand out a batch return it; the caller sends it outside the lock. Thread-safe.
 */
final class Outbox {

    /** Why a stanza was not queued. */
    enum Refusal { CLOSED, TIMED_OUT }

    /** A batch on its way: its stanzas stay here until acknowledged. */
    static final class Batch {
        final long id;
        final List<QueuedStanza> stanzas;
        final long sentAt;

        Batch(long id, List<QueuedStanza> stanzas, long sentAt) {
            this.id = id;
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

    /** A batch that was given up: its stanzas go back to the routing table; {@code next} is to be sent. */
    record Failure(List<QueuedStanza> failed, Batch next) {
    }

    private final NodeID node;
    private final Object member;
    private final DestinationCounters counters;
    private final int capacity;
    private final int batchSize;
    private final long batchBytes;
    private final LongSupplier nanoTime;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notFull = lock.newCondition();
    private final ArrayDeque<QueuedStanza> waiting = new ArrayDeque<>();
    private final AtomicLong batchIds = new AtomicLong();
    private Batch inFlight;
    private boolean closed;

    Outbox(NodeID node, Object member, DestinationCounters counters, RouterSettings settings, LongSupplier nanoTime) {
        this.node = node;
        this.member = member;
        this.counters = counters;
        this.capacity = settings.queueSize();
        this.batchSize = settings.batchSize();
        this.batchBytes = settings.batchBytes();
        this.nanoTime = nanoTime;
    }

    NodeID node() {
        return node;
    }

    /** The Hazelcast member this outbox sends to (a node that rejoins is a new member and gets a new outbox). */
    Object member() {
        return member;
    }

    /**
     * Queues a stanza, waiting up to {@code timeoutNanos} for room when the queue is full.
     *
     * @return accepted, with the batch to send now if none was in flight; or refused (closed, timed out)
     */
    Offer offer(QueuedStanza stanza, long timeoutNanos) throws InterruptedException {
        lock.lock();
        try {
            if (!closed && waiting.size() >= capacity) {
                counters.pushbacks.incrementAndGet();
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
            counters.queued.incrementAndGet();
            if (inFlight != null) {
                return Offer.QUEUED;
            }
            return new Offer(null, takeBatch());
        } finally {
            lock.unlock();
        }
    }

    /** The destination acknowledged the batch: count it and hand out the next one, if any. */
    Batch acknowledged(Batch batch) {
        lock.lock();
        try {
            if (inFlight != batch) {
                return null; // given up meanwhile (timed out, node left): already handed back
            }
            inFlight = null;
            counters.queued.addAndGet(-batch.stanzas.size());
            counters.sent.addAndGet(batch.stanzas.size());
            counters.batches.incrementAndGet();
            return closed || waiting.isEmpty() ? null : takeBatch();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The batch failed (or timed out): its stanzas are to be handed back. The next batch is sent
     * anyway: the destination may well be alive, and if it is gone the node-left event closes the box.
     *
     * @return {@code null} if the batch was no longer in flight
     */
    Failure failed(Batch batch) {
        lock.lock();
        try {
            if (inFlight != batch) {
                return null;
            }
            inFlight = null;
            counters.queued.addAndGet(-batch.stanzas.size());
            counters.failed.addAndGet(batch.stanzas.size());
            return new Failure(batch.stanzas, closed || waiting.isEmpty() ? null : takeBatch());
        } finally {
            lock.unlock();
        }
    }

    /** The batch in flight if it was sent more than {@code timeoutNanos} ago, else {@code null}. */
    Batch overdue(long timeoutNanos) {
        lock.lock();
        try {
            return inFlight != null && nanoTime.getAsLong() - inFlight.sentAt > timeoutNanos ? inFlight : null;
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
            if (inFlight != null) {
                left.addAll(inFlight.stanzas);
                inFlight = null;
            }
            left.addAll(waiting);
            waiting.clear();
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
            return inFlight == null && waiting.isEmpty();
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
        }
        inFlight = new Batch(batchIds.incrementAndGet(), stanzas, nanoTime.getAsLong());
        notFull.signalAll();
        return inFlight;
    }
}
