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

    /** A member left: whatever this transport keeps for it (a connection) can go. */
    default void memberLeft(Object member) {
    }
}
