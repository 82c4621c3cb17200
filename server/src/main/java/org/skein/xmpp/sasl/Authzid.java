package org.skein.xmpp.sasl;

import org.xmpp.packet.JID;

/** The one authorization identity a client may ask for: none, or its own bare JID. */
final class Authzid {

    private Authzid() {
    }

    static boolean allowed(String authzid, String username, String domain) {
        if (authzid == null || authzid.isEmpty()) {
            return true;
        }
        try {
            JID jid = new JID(authzid);
            return jid.getResource() == null && username.equals(jid.getNode()) && domain.equals(jid.getDomain());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
