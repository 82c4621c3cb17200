package org.skein.muc;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.skein.cluster.NodeID;

/**
 * What a room needs from the other nodes of a cluster: their views of a room this node starts running
 * (to rebuild it without anyone rejoining) and a way to run a {@link RoomCall} on another node that is
 * a room's home. {@link #NONE} is a node alone.
 */
interface RoomRecovery {

    /** Alone: nobody else holds a view, and every home is this node. */
    RoomRecovery NONE = new RoomRecovery() {
        @Override
        public List<RoomView> collectViews(String service, String room) {
            return List.of();
        }

        @Override
        public <T> CompletableFuture<T> callHome(NodeID home, String service, String room, RoomCall<T> call) {
            return CompletableFuture.failedFuture(new IllegalStateException("node " + home + " is not reachable"));
        }
    };

    /** The views of the room of every other member (blocks for a round trip; a member that does not answer is left out). */
    List<RoomView> collectViews(String service, String room);

    /** Runs a call on the room's home. */
    <T> CompletableFuture<T> callHome(NodeID home, String service, String room, RoomCall<T> call);
}
