package org.skein.muc;

import org.xmpp.packet.Packet;

/** Takes what the group chat service of another node sent this node's service (see {@link NodeLink}). */
interface LinkReceiver {

    void receive(Packet packet);
}
