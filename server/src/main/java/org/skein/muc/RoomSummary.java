package org.skein.muc;

import java.io.Serializable;

/**
 * A line of a service's room list: what the directory knows without asking the room.
 *
 * @param room the room's bare JID
 * @param name the room's name (its configured name, else the node part of its JID)
 * @param active whether the room runs now (it has a home node), as opposed to a persistent room at rest
 * @param homeNode the node that runs it, empty when it does not run
 */
public record RoomSummary(String room, String name, boolean persistent, boolean publicRoom, boolean membersOnly,
                          boolean passwordProtected, boolean active, String homeNode) implements Serializable {

    private static final long serialVersionUID = 1L;
}
