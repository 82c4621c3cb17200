package org.skein.presence;

import org.skein.session.LocalClientSession;
import org.xmpp.packet.Presence;

/**
 * Told of the broadcast presence of this node's sessions (presence without {@code to}), after it was
 * recorded as the session's presence and sent to the contacts. Register with
 * {@link PresenceManager#addListener}.
 *
 * <p>Runs on the session's processing thread, one presence at a time per session; it may read caches
 * and the database briefly but must not wait for other nodes or for clients. A listener that throws is
 * logged; the presence stands.
 */
@FunctionalInterface
public interface PresenceListener {

    /**
     * @param session the session that sent it
     * @param presence the presence (available, or unavailable), {@code from} the session's full JID
     * @param becameAvailable whether the session was not available before this (available) presence
     */
    void presenceBroadcast(LocalClientSession session, Presence presence, boolean becameAvailable);
}
