package org.skein.muc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.skein.cluster.NodeID;
import org.xmpp.packet.JID;
import org.xmpp.packet.Presence;

/**
 * Someone in a room under a nickname: one user (bare JID), present with one or more sessions (full
 * JIDs, each on the node that holds it, with the presence that session last sent to the room).
 * Belongs to its room's thread: never touched from another.
 */
final class Occupant {

    /** One of the occupant's sessions in the room. */
    static final class Session {
        final JID jid;
        NodeID node;
        Presence presence;

        Session(JID jid, NodeID node, Presence presence) {
            this.jid = jid;
            this.node = node;
            this.presence = presence;
        }
    }

    String nick;
    final String bareJid;
    final String occupantId;
    final long joinedAt;
    Role role;
    Affiliation affiliation;
    /** In the order they joined; the last one is the most recent. */
    final LinkedHashMap<String, Session> sessions = new LinkedHashMap<>();

    Occupant(String nick, String bareJid, String occupantId, long joinedAt, Role role, Affiliation affiliation) {
        this.nick = nick;
        this.bareJid = bareJid;
        this.occupantId = occupantId;
        this.joinedAt = joinedAt;
        this.role = role;
        this.affiliation = affiliation;
    }

    void addSession(JID jid, NodeID node, Presence presence) {
        sessions.remove(jid.toString());
        sessions.put(jid.toString(), new Session(jid, node, presence));
    }

    Session session(JID jid) {
        return sessions.get(jid.toString());
    }

    /** The most recent session: its presence is the occupant's, its JID the one moderators see. */
    Session latest() {
        Session last = null;
        for (Session s : sessions.values()) {
            last = s;
        }
        return last;
    }

    List<Session> sessionList() {
        return new ArrayList<>(sessions.values());
    }

    boolean isModerator() {
        return role == Role.MODERATOR;
    }

    Map<String, Session> sessionsView() {
        return sessions;
    }

    @Override
    public String toString() {
        return nick + " (" + bareJid + ", " + role.xmlValue() + "/" + affiliation.xmlValue() + ", " + sessions.size() + " session(s))";
    }
}
