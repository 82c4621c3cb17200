package org.skein.routing;

import org.skein.session.LocalClientSession;
import org.xmpp.packet.Packet;

/**
 * Where the stanzas of bound client sessions go: messages, presences and IQs each to their logic.
 * Called on the sending connection's processing thread, one stanza at a time per connection.
 */
public interface PacketRouter {

    /** Routes a stanza a client sent; its {@code from} is already the session's full JID. */
    void route(Packet packet, LocalClientSession sender);

    /** The session's connection closed: its presence ends and its route goes. */
    void sessionClosed(LocalClientSession session);
}
