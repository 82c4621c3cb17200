package org.skein.muc;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.skein.cluster.NodeID;
import org.xmpp.packet.JID;

/**
 * An occupant as the room's other nodes see it: an immutable, serializable copy, carried to the nodes
 * that hold occupants of the room (their replica) and back to a new home after the old one crashed.
 *
 * @param sessions the occupant's sessions, oldest first
 */
record OccupantState(String nick, String bareJid, String occupantId, long joinedAt, Role role, Affiliation affiliation,
                     List<SessionState> sessions) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** One session: its full JID, its node and the presence it sent to the room (XML). */
    record SessionState(String jid, String node, String presenceXml) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    OccupantState {
        sessions = List.copyOf(sessions);
    }

    static OccupantState of(Occupant o) {
        List<SessionState> sessions = new ArrayList<>(o.sessions.size());
        for (Occupant.Session s : o.sessions.values()) {
            sessions.add(new SessionState(s.jid.toString(), s.node.value(), s.presence == null ? null : s.presence.toXML()));
        }
        return new OccupantState(o.nick, o.bareJid, o.occupantId, o.joinedAt, o.role, o.affiliation, sessions);
    }

    /** Whether one of the sessions is on this node. */
    boolean hasSessionOn(NodeID node) {
        for (SessionState s : sessions) {
            if (s.node().equals(node.value())) {
                return true;
            }
        }
        return false;
    }

    JID latestJid() {
        return sessions.isEmpty() ? null : new JID(sessions.get(sessions.size() - 1).jid(), true);
    }
}
