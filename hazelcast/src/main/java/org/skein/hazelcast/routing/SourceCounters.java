package org.skein.hazelcast.routing;

import java.util.concurrent.atomic.AtomicLong;

/** Counters of the stanzas this node received from one other node, since this node joined the cluster. */
final class SourceCounters {
    /** Batches received. */
    final AtomicLong batches = new AtomicLong();
    /** Stanzas delivered to a session (on this node, or passed on to the node that now holds it). */
    final AtomicLong delivered = new AtomicLong();
    /** Stanzas whose session was gone: handled as for an offline recipient. */
    final AtomicLong undeliverable = new AtomicLong();
    /** Stanzas or batches whose bytes could not be read: logged and dropped. */
    final AtomicLong malformed = new AtomicLong();
    /** Stanzas of batches that came too late (the sender hands them back): dropped. */
    final AtomicLong late = new AtomicLong();
}
