package org.skein.net;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.xmpp.packet.StreamError;

/** The open connections of one listener, so that stopping the node can say goodbye to each. Thread-safe. */
final class ConnectionRegistry {

    private final Set<NettyClientConnection> connections = ConcurrentHashMap.newKeySet();

    void add(NettyClientConnection connection) {
        connections.add(connection);
    }

    void remove(NettyClientConnection connection) {
        connections.remove(connection);
    }

    int size() {
        return connections.size();
    }

    /** Sends {@code system-shutdown} to every connection and closes it. */
    void closeAll() {
        for (NettyClientConnection connection : connections) {
            connection.closeWithError(StreamError.Condition.system_shutdown, "The server is shutting down");
        }
    }
}
