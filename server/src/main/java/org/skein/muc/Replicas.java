package org.skein.muc;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.skein.cluster.NodeID;

/**
 * The {@link Replica}s of one node: the rooms homed elsewhere in which this node holds occupants. A
 * replica appears with the first snapshot its room's home sends and goes when the node holds none of
 * the room's occupants any more. Thread-safe.
 */
final class Replicas {

    private final NodeID localNode;
    private final ConcurrentMap<String, Replica> byRoom = new ConcurrentHashMap<>();

    Replicas(NodeID localNode) {
        this.localNode = localNode;
    }

    /** Applies what a home sent: a snapshot (a new copy) or changes (to the copy this node has). */
    void apply(String room, long seq, RoomView snapshot, List<Object> changes) {
        Replica replica;
        if (snapshot != null) {
            replica = byRoom.computeIfAbsent(room, Replica::new);
            replica.reset(snapshot);
        } else {
            replica = byRoom.get(room);
            if (replica == null) {
                return; // no copy yet: the home sends a snapshot with the first stanza for a session here
            }
        }
        if (!changes.isEmpty()) {
            replica.apply(seq, changes);
        }
        if (!replica.holdsOccupantsOn(localNode)) {
            byRoom.remove(room, replica);
        }
    }

    /** This node's view of a room it keeps a copy of. */
    Optional<RoomView> view(String room) {
        Replica replica = byRoom.get(room);
        return replica == null ? Optional.empty() : Optional.of(replica.view(localNode));
    }

    /** Forgets a copy (this node runs the room now, or it is gone). */
    void remove(String room) {
        byRoom.remove(room);
    }

    Set<String> rooms() {
        return Set.copyOf(byRoom.keySet());
    }
}
