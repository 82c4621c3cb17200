package org.skein.muc;

import java.io.Serializable;
import java.util.List;

/**
 * An occupant of a room as the plugin API and the admin console show it.
 *
 * @param nick the occupant's nickname in the room
 * @param bareJid the user's bare JID
 * @param sessions the full JIDs of the user's sessions in the room, each with the id of the node that holds it
 */
public record OccupantInfo(String nick, String bareJid, Role role, Affiliation affiliation, List<Session> sessions)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** One session of the occupant: its full JID and the node that holds it. */
    public record Session(String jid, String node) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    public OccupantInfo {
        sessions = List.copyOf(sessions);
    }
}
