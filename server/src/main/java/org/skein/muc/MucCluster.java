package org.skein.muc;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.skein.cluster.NodeID;

/**
 * What group chat needs from the other nodes of a cluster, besides the stanzas a {@link NodeLink}
 * carries: their views of a room this node starts running (to rebuild it without anyone rejoining), a
 * way to hand a view to a room's home (after a merge), and a way to run a {@link RoomCall} on a room's
 * home. {@link #NONE} is a node alone. Implemented with cluster tasks ({@code MucTasks}).
 */
interface MucCluster {

    /** Alone: nobody else holds a view, and every home is this node. */
    MucCluster NONE = new MucCluster() {
        @Override
        public List<RoomView> collectViews(String service, String room) {
            return List.of();
        }

        @Override
        public void pushView(NodeID home, String service, RoomView view) {
        }

        @Override
        public <T> CompletableFuture<T> callHome(NodeID home, String service, String room, RoomCall<T> call) {
            return CompletableFuture.failedFuture(new IllegalStateException("node " + home + " is not reachable"));
        }
    };

    /** The views of the room of every other member (blocks for a round trip; a member that does not answer is left out). */
    List<RoomView> collectViews(String service, String room);

    /** Hands this node's view of a room to the room's home, which adds what it did not know (without waiting). */
    void pushView(NodeID home, String service, RoomView view);

    /** Runs a call on the room's home. */
    <T> CompletableFuture<T> callHome(NodeID home, String service, String room, RoomCall<T> call);
}
