package org.skein.session;

import org.skein.cluster.NodeID;
import org.xmpp.packet.JID;

/**
 * Finds sessions held by other nodes. A clustering plugin sets one on the {@link SessionManager} when
 * the node joins a cluster and clears it when it leaves; a node alone has none.
 */
public interface RemoteSessionLocator {

    /**
     * A view of a client session on another node, or {@code null} if that node does not know it.
     * Implementations read what they can from the {@code sessions.info} cache and send anything that
     * must act on the session (delivery, close) to the owning node without waiting.
     */
    ClientSession getClientSession(NodeID node, JID address);
}
