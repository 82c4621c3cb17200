package org.skein.hazelcast.routing;

import java.util.List;
import org.skein.routing.Addressing;

/**
 * One entry waiting for its destination node: the full JIDs of its recipients there (one for a
 * stanza to one session; up to {@link #MAX_RECIPIENTS} for a stanza that crosses once for many), how
 * it is addressed to each, and the stanza's XML as UTF-8, taken on the sender's thread (the packet
 * itself may change after {@code routePacket} returns). {@code queuedAt} is when the sender's router took it
 * ({@link System#nanoTime()} on the sender, 0 when unknown: on the receiving side), for the meters.
 */
record QueuedStanza(List<String> recipients, Addressing addressing, byte[] xml, long queuedAt) {

    /** Most recipients of one entry: a larger group is split into several entries, in order. */
    static final int MAX_RECIPIENTS = 1000;

    QueuedStanza {
        recipients = List.copyOf(recipients);
        if (recipients.isEmpty() || recipients.size() > MAX_RECIPIENTS) {
            throw new IllegalArgumentException("an entry has 1 to " + MAX_RECIPIENTS + " recipients, not " + recipients.size());
        }
    }

    QueuedStanza(List<String> recipients, Addressing addressing, byte[] xml) {
        this(recipients, addressing, xml, 0);
    }

    /** A stanza for one session, delivered as it is. */
    QueuedStanza(String recipient, byte[] xml) {
        this(List.of(recipient), Addressing.AS_IS, xml);
    }

    /** Bytes this entry takes in a batch (framing included). */
    int wireSize() {
        int size = 9 + xml.length;
        for (String recipient : recipients) {
            size += 4 + recipient.length() * 3;
        }
        return size;
    }
}
