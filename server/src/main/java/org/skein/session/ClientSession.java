package org.skein.session;

import java.time.Instant;
import org.skein.cluster.NodeID;
import org.xmpp.packet.JID;
import org.xmpp.packet.Packet;
import org.xmpp.packet.Presence;
import org.xmpp.packet.StreamError;

/**
 * A bound client session, on this node ({@link LocalClientSession}) or, through a
 * {@link RemoteSessionLocator}, on another. Thread-safe.
 */
public interface ClientSession {

    /** The session's full JID. */
    JID address();

    /** The node that holds the session. */
    NodeID node();

    /** The session's current presence; an unavailable presence until it sent available presence. */
    Presence presence();

    /** Whether the session has sent available presence (and not unavailable since). */
    boolean isAvailable();

    /** The priority of the current presence, 0 before the first. */
    int priority();

    Instant creationTime();

    /** The id of the session's client stream. */
    String streamId();

    /** The client's IP address and port, as the node that holds the session saw it. */
    String clientAddress();

    /** Sends a packet to the client. Never blocks on the network. */
    void deliver(Packet packet);

    /** Closes the session's stream with an error (for example {@code conflict} when a new login takes its resource). */
    void close(StreamError.Condition condition, String text);
}
