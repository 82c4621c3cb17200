package org.skein.carbons;

import java.util.Objects;
import org.skein.iq.IqErrors;
import org.skein.iq.IqHandler;
import org.skein.routing.RoutingTable;
import org.skein.session.LocalClientSession;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.PacketError;

/**
 * Answers {@code <enable/>} and {@code <disable/>} in {@code urn:xmpp:carbons:2} (XEP-0280 sections 4
 * and 5): sets the requesting session's flag and writes it into the session's route, which is what
 * every node reads when it copies a message. Enabling twice (or disabling twice) is answered with a
 * result. A {@code get}, or a child other than those two, is {@code bad-request}; a request to another
 * user's JID is refused by the IQ router before it gets here.
 */
public final class CarbonsHandler implements IqHandler {

    private final JID serverJid;
    private final RoutingTable routingTable;

    public CarbonsHandler(JID serverJid, RoutingTable routingTable) {
        this.serverJid = Objects.requireNonNull(serverJid, "serverJid");
        this.routingTable = Objects.requireNonNull(routingTable, "routingTable");
    }

    @Override
    public String namespace() {
        return Carbons.NAMESPACE;
    }

    @Override
    public IQ handle(IQ request, LocalClientSession session) {
        String name = request.getChildElement().getName();
        if (request.getType() != IQ.Type.set || !("enable".equals(name) || "disable".equals(name))) {
            return IqErrors.error(request, PacketError.Condition.bad_request, serverJid);
        }
        session.setCarbonsEnabled("enable".equals(name));
        routingTable.updateClientRoute(session);
        return IqErrors.result(request, serverJid);
    }
}
