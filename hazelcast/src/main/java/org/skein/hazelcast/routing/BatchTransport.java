package org.skein.hazelcast.routing;

import java.util.function.BiConsumer;
import org.skein.cluster.NodeID;

/** How a batch reaches another member; the Hazelcast executor in production. */
interface BatchTransport {

    /** The member that runs this node now, or {@code null} if none does. */
    Object member(NodeID node);

    /**
     * Sends a batch without waiting; {@code done} gets the answer (up to which sequence number the
     * batch's stream is delivered) or the failure, once, on any thread.
     *
     * @throws RuntimeException if the batch cannot even be sent (the caller treats it as failed)
     */
    void send(Object member, StanzaBatch batch, BiConsumer<Long, Throwable> done);

    /**
     * How batches reach this member, for operators: {@code hazelcast} (the members' executor),
     * {@code direct-tls} or {@code direct-plain} (the direct stanza stream, with or without TLS).
     */
    default String kind(Object member) {
        return HAZELCAST;
    }

    /** How batches reach this node: {@link #HAZELCAST}, or the direct stream's kind when this node has one. */
    default String ownKind() {
        return HAZELCAST;
    }

    /** The kind of the members' executor. */
    String HAZELCAST = "hazelcast";

    /** A member left: whatever this transport keeps for it (a connection) can go. */
    default void memberLeft(Object member) {
    }
}
