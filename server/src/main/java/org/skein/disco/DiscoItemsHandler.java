package org.skein.disco;

import java.util.Objects;
import org.skein.iq.IqErrors;
import org.skein.iq.IqHandler;
import org.skein.session.LocalClientSession;
import org.skein.xmpp.Namespaces;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.PacketError;

/** {@code disco#items} (XEP-0030): the server and users have no items yet (no components, no PEP). */
public final class DiscoItemsHandler implements IqHandler {

    private final JID serverJid;

    public DiscoItemsHandler(JID serverJid) {
        this.serverJid = Objects.requireNonNull(serverJid, "serverJid");
    }

    @Override
    public String namespace() {
        return Namespaces.DISCO_ITEMS;
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
        if (request.getChildElement().attributeValue("node") != null) {
            return IqErrors.error(request, PacketError.Condition.item_not_found, serverJid);
        }
        IQ reply = IqErrors.result(request, serverJid);
        reply.setChildElement("query", Namespaces.DISCO_ITEMS);
        return reply;
    }
}
