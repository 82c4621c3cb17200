package org.skein.iq;

import java.util.Objects;
import org.skein.session.LocalClientSession;
import org.skein.xmpp.Namespaces;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;

/**
 * The legacy session establishment of RFC 3921 ({@code urn:ietf:params:xml:ns:xmpp-session}): a
 * no-op that older clients still send; the feature is advertised as optional.
 */
public final class SessionIqHandler implements IqHandler {

    private final JID serverJid;

    public SessionIqHandler(JID serverJid) {
        this.serverJid = Objects.requireNonNull(serverJid, "serverJid");
    }

    @Override
    public String namespace() {
        return Namespaces.SESSION;
    }

    @Override
    public IQ handle(IQ request, LocalClientSession session) {
        return IqErrors.result(request, serverJid);
    }
}
