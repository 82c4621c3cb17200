package org.skein.ping;

import java.util.Objects;
import org.skein.iq.IqErrors;
import org.skein.iq.IqHandler;
import org.skein.session.LocalClientSession;
import org.skein.xmpp.Namespaces;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.PacketError;

/** Answers {@code <ping xmlns='urn:xmpp:ping'/>} with an empty result (XEP-0199). Pings to full JIDs are routed to the client. */
public final class PingHandler implements IqHandler {

    private final JID serverJid;

    public PingHandler(JID serverJid) {
        this.serverJid = Objects.requireNonNull(serverJid, "serverJid");
    }

    @Override
    public String namespace() {
        return Namespaces.PING;
    }

    @Override
    public boolean answersForUsers() {
        return true;
    }

    @Override
    public IQ handle(IQ request, LocalClientSession session) {
        if (request.getType() != IQ.Type.get) {
            return IqErrors.error(request, PacketError.Condition.bad_request, serverJid);
        }
        return IqErrors.result(request, serverJid);
    }
}
