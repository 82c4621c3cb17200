package org.skein.muc;

import java.util.List;
import org.skein.cluster.NodeID;
import org.xmpp.packet.Packet;

/**
 * How a room's traffic crosses to other nodes: stanzas for a room go to its home, and a room's output
 * for the sessions on another node goes there once, with the room's changes for that node's replica.
 * Both keep the order in which they were handed over, per pair of nodes. Implementations do not wait
 * for the other node.
 */
interface NodeLink {

    /**
     * Sends a stanza for a room to the room's home.
     *
     * @param origin the node that holds the sender's session
     * @return {@code false} if the home is not reachable (not a member); the caller finds the room a new home
     */
    boolean toHome(NodeID home, Packet stanza, NodeID origin);

    /**
     * Sends what a room sends to sessions on {@code node} (each stanza without {@code to}, with its
     * recipients there) and either a snapshot of the room (a node that starts keeping a copy) or how the
     * room changed ({@link RoomOutput#changes()}), as one unit.
     */
    void toNode(NodeID node, String roomJid, long seq, RoomView snapshot, List<Object> changes, List<RoomOutput.Send> sends);
}
