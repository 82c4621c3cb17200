package org.skein.session;

import java.io.Serializable;
import java.util.Objects;
import org.skein.cluster.NodeID;

/**
 * What any node may read about a session without asking the node that holds it: the value of the
 * clustered {@code sessions.info} cache, keyed by full JID, written only by the owning node (and
 * removed by the senior member when that node is gone). Immutable.
 *
 * @param node the node that holds the session
 * @param presenceXml the session's current available presence as XML; empty while it is not available
 *        (before its first presence, and after unavailable presence)
 * @param priority the priority of that presence
 * @param created when the session was bound, in epoch milliseconds
 * @param clientAddress the client's IP address and port
 * @param streamId the id of the client's stream
 * @param transport how the client is connected: {@code tcp} or {@code websocket}
 */
public record SessionInfo(NodeID node, String presenceXml, int priority, long created, String clientAddress, String streamId,
                          String transport) implements Serializable {

    public SessionInfo {
        Objects.requireNonNull(node, "node");
        presenceXml = presenceXml == null ? "" : presenceXml;
        clientAddress = clientAddress == null ? "" : clientAddress;
        streamId = streamId == null ? "" : streamId;
        transport = transport == null || transport.isEmpty() ? "tcp" : transport;
    }

    /** A session of a client on the TCP port. */
    public SessionInfo(NodeID node, String presenceXml, int priority, long created, String clientAddress, String streamId) {
        this(node, presenceXml, priority, created, clientAddress, streamId, "tcp");
    }

    /** Whether the session is available (has an available presence). */
    public boolean isAvailable() {
        return !presenceXml.isEmpty();
    }

    public SessionInfo withPresence(String xml, int newPriority) {
        return new SessionInfo(node, xml, newPriority, created, clientAddress, streamId, transport);
    }
}
