package org.skein.muc;

import java.io.Serializable;
import java.util.List;

/**
 * What one node knows of a room: the replica it keeps because it holds occupants of the room (or the
 * room itself, on its home). A new home rebuilds a room from the views of all members: each node is
 * the authority on its own sessions; the most advanced view (highest {@code seq}) gives the record,
 * subject and history.
 *
 * @param node the node the view is from
 * @param record the room's record as the node last saw it, or {@code null}
 * @param occupants every occupant the node knew of, with their sessions' nodes
 * @param history the history the node kept, oldest first
 * @param seq the number of the last change the node applied
 */
record RoomView(String node, String room, RoomRecord record, List<OccupantState> occupants, List<History.Entry> history, long seq)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    RoomView {
        occupants = List.copyOf(occupants);
        history = List.copyOf(history);
    }
}
