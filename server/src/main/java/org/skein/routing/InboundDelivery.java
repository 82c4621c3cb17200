package org.skein.routing;

import java.util.List;
import org.skein.cluster.NodeID;

/**
 * Where a clustering provider's {@link RemotePacketRouter} hands the stanzas that other nodes sent to
 * this node: the recipients and the stanza's bytes, as the sending node serialized them. The node owns
 * what happens next: it writes the stanza to a local session as it is or parses it first, and when a
 * recipient has no session here it handles the stanza as undeliverable (another resource, offline
 * storage, an error to the sender). All of that runs on the node's own threads: a call returns at once
 * and never waits for a session, a lock or the database, so a provider may call it on its network or
 * executor threads.
 *
 * <p>Order: stanzas handed over for one recipient are delivered in the order of the calls. A provider
 * that calls from several threads keeps its own order per sending node before it calls (the Hazelcast
 * router delivers a sender's batches one at a time, in sequence).
 *
 * <p>Bounds: the node takes a bounded number of stanzas that are handed over and not yet delivered.
 * While {@link #hasRoom()} is {@code false} the provider must not hand over more; it holds the stanzas
 * on the sending side (where they push back on the sender) and tries again shortly.
 *
 * <p>Thread-safe.
 */
public interface InboundDelivery {

    /** What became of a stanza for one recipient. */
    enum Outcome {
        /** Written to the recipient's session (on this node, or passed on to the node that holds it now). */
        DELIVERED,
        /** The recipient had no session: handled as for an offline recipient. */
        UNDELIVERABLE,
        /** The bytes are not a stanza: logged and dropped (nothing could be done with them). */
        MALFORMED
    }

    /** Hears the outcome for each recipient, on the delivering thread; must be quick (counters). */
    @FunctionalInterface
    interface Report {
        void outcome(String recipient, Outcome outcome);
    }

    /** Whether the node takes more stanzas now (its backlog of handed-over stanzas is under its bound). */
    boolean hasRoom();

    /**
     * Hands over one stanza for one or more recipients on this node; returns at once. Never throws for
     * bad bytes or an unknown recipient: the outcome says what happened.
     *
     * @param source the node that sent it
     * @param recipients full JIDs of the recipients (a message or IQ to a full JID has one; a broadcast many)
     * @param addressing how the stanza is addressed to each recipient ({@link Addressing#AS_IS}: as it is)
     * @param stanza the stanza's XML in UTF-8, as the sender serialized it; not changed by the caller afterwards
     * @param report hears the outcome per recipient
     */
    void deliver(NodeID source, List<String> recipients, Addressing addressing, byte[] stanza, Report report);
}
