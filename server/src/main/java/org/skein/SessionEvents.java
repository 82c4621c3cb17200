package org.skein;

import org.skein.session.LocalClientSession;
import org.xmpp.packet.Presence;

/**
 * What extensions of the node hear about its own sessions from the {@link XmppPacketRouter}, on the
 * session's processing thread: last activity records logouts, blocking forgets which sessions asked for
 * the block list. A listener that throws is logged; the session's clean-up goes on.
 */
interface SessionEvents {

    /** A session broadcast unavailable presence (it may stay connected). */
    void unavailable(LocalClientSession session, Presence presence);

    /** A session ended (after its unavailable presence went out, before its route is removed). */
    void ended(LocalClientSession session);
}
