package org.skein.session;

import java.util.Objects;
import org.skein.ServerContext;
import org.skein.cluster.NodeID;
import org.xmpp.packet.JID;

/**
 * The {@link RemoteSessionLocator} a clustering plugin registers: it answers from the clustered
 * {@code sessions.info} cache (no round trip to the owning node) with a {@link RemoteClientSession},
 * which reaches the owning node only to deliver a packet or to close the session. Nothing in it is
 * specific to a clustering library.
 */
public final class SessionInfoLocator implements RemoteSessionLocator {

    private final ServerContext node;

    /** @param node the node whose caches and routing table are used */
    public SessionInfoLocator(ServerContext node) {
        this.node = Objects.requireNonNull(node, "node");
    }

    @Override
    public ClientSession getClientSession(NodeID owner, JID address) {
        SessionInfo info = node.sessionManager().getSessionInfo(address);
        if (info == null || !info.node().equals(owner)) {
            return null;
        }
        return new RemoteClientSession(address, info, node.routingTable(), node.clusterManager());
    }
}
