package org.skein.hazelcast.routing;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Decides on the receiving node whether a batch came too late to be delivered: its sender may already
 * have handed its stanzas back (to the recipient's other resources, offline storage or an error), and
 * delivering it as well would give the recipient a second copy. A sender hands a batch back when it is
 * not acknowledged within its timeout, and when this node's member is removed from its cluster view,
 * which happens after this node was silent (sent no heartbeat) for a while. So a batch is late when
 * <ul>
 *   <li>its age exceeds the sender's timeout less a margin (for the acknowledgement's way back), or</li>
 *   <li>this process was paused (frozen, stopped, starved of CPU) for nearly the sender's silence
 *       bound at some moment after the batch was sent, or the first batch of a sender arrives within a
 *       second of the end of such a pause (its time cannot be told yet).</li>
 * </ul>
 * A sender's first batch that was sent during a pause but taken later than that cannot be recognised:
 * the senders of a cluster exchange batches all the time, so this is the rare case of a member that
 * never sent to this node before.
 *
 * <p>No wall clock is compared between machines. A batch carries its sender's monotonic time when it
 * left ({@link System#nanoTime()} there); this node keeps, per sending member, the smallest difference
 * seen between its own monotonic time at arrival and the sender's at departure (the clocks' offset
 * plus the quickest trip), which turns the sender's time into this node's. The estimate may rise by
 * at most 1 ms per second (far more than two clocks drift) so that it follows drift but not a burst
 * of late batches. A pause is a gap in this node's own observations of its monotonic clock: a pulse
 * thread {@linkplain #observe() observes} it every 100 ms, and so does every batch that arrives (a
 * batch taken just after a resume sees the gap even before the pulse does).
 *
 * <p>Refusing is always safe: the refusal is answered to the sender, which hands the batch back, and if
 * the answer is lost the sender's timeout or the member's removal hands it back. Delivering is safe when
 * the acknowledgement reaches the sender within the margin. Thread-safe.
 */
final class LateBatchGuard {

    /** Why a batch is late, or {@code null} if it is on time. */
    record Verdict(String reason) {
        static final Verdict ON_TIME = new Verdict(null);

        boolean late() {
            return reason != null;
        }
    }

    /** A gap in this node's observations of its own clock. */
    private record Pause(long start, long end) {
        long length() {
            return end - start;
        }
    }

    /** The shortest gap recorded as a pause. */
    static final long PAUSE_FLOOR = TimeUnit.MILLISECONDS.toNanos(500);
    /** How often the pulse thread should observe the clock. */
    static final long PULSE_MILLIS = 100;
    private static final long MAX_AGE_MARGIN = TimeUnit.SECONDS.toNanos(5);
    private static final long MAX_SILENCE_MARGIN = TimeUnit.SECONDS.toNanos(1);
    private static final int PAUSES_KEPT = 16;
    /** How long after a long pause a sender's first batch is refused (its time cannot be told). */
    static final long FIRST_BATCH_GRACE = TimeUnit.SECONDS.toNanos(1);

    private final LongSupplier nanoTime;
    private final AtomicLong lastSeen;
    private final ArrayDeque<Pause> pauses = new ArrayDeque<>();
    private final Map<String, PeerClock> clocks = new ConcurrentHashMap<>();

    LateBatchGuard(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.lastSeen = new AtomicLong(nanoTime.getAsLong());
    }

    /** Looks at the clock: a gap since the last look is recorded as a pause. Returns the time now. */
    long observe() {
        long now = nanoTime.getAsLong();
        long before = lastSeen.getAndAccumulate(now, Math::max);
        if (now - before > PAUSE_FLOOR) {
            synchronized (pauses) {
                pauses.addLast(new Pause(before, now));
                if (pauses.size() > PAUSES_KEPT) {
                    pauses.removeFirst();
                }
            }
        }
        return now;
    }

    /**
     * @param sender the sending member (node and epoch): its clock's offset is kept under this key
     * @param sentAt the sender's monotonic time when the batch left
     * @param timeoutNanos the sender's batch timeout
     * @param silenceNanos the shortest silence of this node after which the sender may remove its member
     *     (and hand back what is in flight); 0 or less if the sender does not say
     */
    Verdict judge(String sender, long sentAt, long timeoutNanos, long silenceNanos) {
        long now = observe();
        PeerClock clock = clocks.computeIfAbsent(sender, s -> new PeerClock());
        boolean first = !clock.known();
        long sentHere = clock.toLocal(sentAt, now);
        long age = now - sentHere;
        if (timeoutNanos > 0 && age > timeoutNanos - Math.min(timeoutNanos / 4, MAX_AGE_MARGIN)) {
            return new Verdict("it is " + TimeUnit.NANOSECONDS.toMillis(age) + " ms old and the sender gives up after "
                    + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
        }
        if (silenceNanos > 0) {
            long longest = silenceNanos - Math.min(silenceNanos / 2, MAX_SILENCE_MARGIN);
            synchronized (pauses) {
                for (Pause pause : pauses) {
                    // a sender's first batch tells nothing of its clock: it is suspect only while the batches that
                    // waited in the sockets are taken, just after the resume (not, say, a member that joined later)
                    boolean after = first ? now - pause.end() < FIRST_BATCH_GRACE : sentHere < pause.end();
                    if (pause.length() > longest && after) {
                        return new Verdict("this node was paused for " + TimeUnit.NANOSECONDS.toMillis(pause.length())
                                + " ms after it was sent, long enough for the sender to remove this node's member");
                    }
                }
            }
        }
        return Verdict.ON_TIME;
    }

    /** A sending member left: its clock offset is dropped. */
    void forget(String sender) {
        clocks.remove(sender);
    }

    /** The offset between one sender's monotonic clock and this node's: the smallest seen, allowed to rise slowly. */
    private static final class PeerClock {
        private boolean known;
        private long offset;
        private long updated;

        synchronized boolean known() {
            return known;
        }

        synchronized long toLocal(long sentAt, long now) {
            long sample = now - sentAt;
            if (!known) {
                offset = sample;
                known = true;
            } else {
                long relaxed = offset + Math.max(0, now - updated) / 1000;
                offset = Math.min(sample, relaxed);
            }
            updated = now;
            return sentAt + offset;
        }
    }
}
