package org.skein.hazelcast.routing;

import java.util.concurrent.atomic.AtomicLong;

/** Counters of the stanzas this node sent to one other node, since this node joined the cluster. */
final class DestinationCounters {
    /** Accepted and not yet acknowledged or given up (waiting or in flight). */
    final AtomicLong queued = new AtomicLong();
    /** Acknowledged by the destination. */
    final AtomicLong sent = new AtomicLong();
    /** Handed back as undeliverable: node gone, batch failed or timed out, no room in time. */
    final AtomicLong failed = new AtomicLong();
    /** Batches acknowledged. */
    final AtomicLong batches = new AtomicLong();
    /** Times a sender found the queue full and had to wait. */
    final AtomicLong pushbacks = new AtomicLong();
    /** Also told of each wait for room (the node's meter, which outlives this router). */
    volatile Runnable onPushback = () -> { };

    void pushback() {
        pushbacks.incrementAndGet();
        onPushback.run();
    }
}
