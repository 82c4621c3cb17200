package org.skein.hazelcast.routing;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The receiving side's order for one sending node: the sender's batches may arrive in any order (the
 * sender has several in flight, and the member's threads run them at once), and they are delivered
 * one at a time, in sequence order. The thread whose batch is next delivers it, then every batch that
 * arrived early and is now next; the thread of a batch that is early parks it and returns at once, so
 * no thread waits for another.
 *
 * <p>A sender that gave up a stream (a batch failed or was overdue: it handed back everything in
 * flight) starts a new one with a larger id; its first batch here drops what the old stream had parked
 * (already handed back by the sender), and late batches of an old stream are refused.
 *
 * <p>A batch that the deliverer refuses (it came too late: its sender may have handed it back already)
 * ends its stream here: it, the batches parked behind it and every later batch of that stream are
 * dropped and answered {@link #LATE}; the sender hands the stream back and goes on with a new one.
 *
 * <p>Thread-safe. {@code B} is whatever a batch is to the caller.
 *
 * @param <B> a batch
 */
final class SourceSequence<B> {

    /** An answer for a batch of a stream that was given up: the sender ignores it. */
    static final long STALE = -1;

    /** An answer for a batch refused as too late, or of a stream that ended with such a batch: the sender hands it back. */
    static final long LATE = -3;

    /** How far ahead of the next expected batch a batch may be: the sender has a few in flight, never thousands. */
    static final long MAX_AHEAD = 1024;

    private long stream = Long.MIN_VALUE;
    private long next = 1;
    private boolean delivering;
    /** Whether the current stream ended with a batch refused as late. */
    private boolean ended;
    private final Map<Long, B> parked = new HashMap<>();

    /**
     * Takes a batch: delivers it (and the early batches after it) if it is next, on this thread, else
     * parks it.
     *
     * @param deliver delivers one batch, or refuses it as late ({@code false}); called outside any lock, by one
     *     thread at a time per stream; it must not throw (it reports its own failures), or the batches parked
     *     behind this one would wait forever
     * @return up to which sequence number the stream is delivered now (the batch's own number if it was
     *     delivered, less if it waits for an earlier one), {@link #STALE} for a batch of an old stream, or
     *     {@link #LATE} if the batch was refused as late or its stream ended with a late batch
     * @throws IllegalArgumentException if the sequence number is below 1 or implausibly far ahead
     */
    long accept(long batchStream, long seq, B batch, Predicate<B> deliver) {
        synchronized (this) {
            if (batchStream < stream) {
                return STALE;
            }
            if (batchStream > stream) {
                stream = batchStream;
                next = 1;
                parked.clear();
                delivering = false; // a deliverer of the old stream may still run: it sees the new stream and stops
                ended = false;
            }
            if (ended) {
                return LATE;
            }
            if (seq < 1 || seq - next > MAX_AHEAD) {
                throw new IllegalArgumentException("batch " + seq + " of stream " + batchStream + " while batch " + next
                        + " is expected");
            }
            if (seq < next || parked.containsKey(seq)) {
                return next - 1; // a repeat: already delivered or waiting
            }
            if (seq != next || delivering) {
                parked.put(seq, batch);
                return next - 1;
            }
            delivering = true;
        }
        B current = batch;
        while (true) {
            boolean delivered = deliver.test(current);
            synchronized (this) {
                if (stream != batchStream) {
                    return STALE;
                }
                if (!delivered) {
                    ended = true;
                    parked.clear();
                    delivering = false;
                    return current == batch ? LATE : next - 1;
                }
                next++;
                current = parked.remove(next);
                if (current == null) {
                    delivering = false;
                    return next - 1;
                }
            }
        }
    }

    /** How many batches wait for an earlier one (for tests and figures). */
    synchronized int parked() {
        return parked.size();
    }
}
