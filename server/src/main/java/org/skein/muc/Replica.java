package org.skein.muc;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.skein.cluster.NodeID;

/**
 * A node's copy of a room whose home is elsewhere, kept because the node holds occupants of the room:
 * the room's record, every occupant (with the nodes of their sessions), and the history, as of the
 * last change the home sent ({@link #seq}). Built from a snapshot and kept current by the changes that
 * come with the room's stanzas, in the home's order. A new home rebuilds the room from these copies
 * ({@link #view}). Thread-safe.
 */
final class Replica {

    final String room;
    private RoomRecord record;
    private final Map<String, OccupantState> occupants = new LinkedHashMap<>();
    private final Deque<History.Entry> history = new ArrayDeque<>();
    private long seq;

    Replica(String room) {
        this.room = room;
    }

    /** Replaces everything with a snapshot (a view the home made of the whole room). */
    synchronized void reset(RoomView snapshot) {
        record = snapshot.record();
        occupants.clear();
        for (OccupantState o : snapshot.occupants()) {
            occupants.put(o.nick(), o);
        }
        history.clear();
        history.addAll(snapshot.history());
        seq = snapshot.seq();
        trim();
    }

    /** Applies the changes of one step of the room, in order. */
    synchronized void apply(long newSeq, List<Object> changes) {
        for (Object change : changes) {
            if (change instanceof OccupantState o) {
                occupants.put(o.nick(), o);
            } else if (change instanceof RoomOutput.Removal r) {
                occupants.remove(r.nick());
            } else if (change instanceof History.Entry e) {
                history.addLast(e);
            } else if (change instanceof RoomRecord r) {
                record = r;
            }
        }
        seq = Math.max(seq, newSeq);
        trim();
    }

    private void trim() {
        int capacity = record == null ? RoomConfig.MAX_HISTORY : record.config().historyLength();
        while (history.size() > capacity) {
            history.removeFirst();
        }
    }

    /** Whether an occupant has a session on this node (otherwise the node has no reason to keep the copy). */
    synchronized boolean holdsOccupantsOn(NodeID node) {
        for (OccupantState o : occupants.values()) {
            if (o.hasSessionOn(node)) {
                return true;
            }
        }
        return false;
    }

    synchronized RoomView view(NodeID node) {
        return new RoomView(node.value(), room, record, new ArrayList<>(occupants.values()), new ArrayList<>(history), seq);
    }

    synchronized long seq() {
        return seq;
    }
}
