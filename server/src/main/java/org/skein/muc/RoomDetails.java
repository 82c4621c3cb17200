package org.skein.muc;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * A room as its home node sees it at one moment: its configuration, affiliations, subject and
 * occupants. An immutable, serializable snapshot for the plugin API and the admin console.
 *
 * @param room the room's bare JID
 * @param homeNode the id of the node that runs the room
 * @param affiliations bare JID → affiliation (users without one are left out)
 * @param subject the subject, empty for none
 * @param locked whether the room still waits for its owner's first configuration
 */
public record RoomDetails(String room, String homeNode, RoomConfig config, Map<String, Affiliation> affiliations,
                          String subject, boolean locked, List<OccupantInfo> occupants) implements Serializable {

    private static final long serialVersionUID = 1L;

    public RoomDetails {
        affiliations = Map.copyOf(affiliations);
        occupants = List.copyOf(occupants);
    }
}
