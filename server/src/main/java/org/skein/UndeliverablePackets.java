package org.skein;

import org.skein.message.MessageRouter;
import org.skein.routing.RoutingTable;
import org.skein.xmpp.StanzaErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;
import org.xmpp.packet.Packet;
import org.xmpp.packet.PacketError;
import org.xmpp.packet.Presence;

/**
 * Handles packets whose remote recipient could not be reached after all, as if the recipient were
 * offline: a message is routed again without being archived again (its route is gone, so RFC 6121's rules send it to the user's
 * other resources or to offline storage, or bounce it), an IQ request gets a
 * {@code recipient-unavailable} error back to its sender, a presence is dropped (presence to an
 * unavailable resource is not stored). Each case is logged.
 */
final class UndeliverablePackets implements RoutingTable.UndeliverableHandler {

    private static final Logger LOG = LoggerFactory.getLogger(UndeliverablePackets.class);

    private final MessageRouter messages;
    private final RoutingTable routes;
    private final JID serverJid;

    UndeliverablePackets(MessageRouter messages, RoutingTable routes, JID serverJid) {
        this.messages = messages;
        this.routes = routes;
        this.serverJid = serverJid;
    }

    @Override
    public void undeliverable(JID recipient, Packet packet) {
        if (packet instanceof Message) {
            LOG.info("A message for {} could not reach its node; routing it as for an unavailable resource", recipient);
            messages.reroute((Message) packet);
        } else if (packet instanceof IQ) {
            IQ iq = (IQ) packet;
            if ((iq.getType() == IQ.Type.get || iq.getType() == IQ.Type.set) && iq.getFrom() != null) {
                LOG.info("An IQ for {} could not reach its node; answering its sender with an error", recipient);
                IQ error = IQ.createResultIQ(iq);
                if (iq.getChildElement() != null) {
                    error.setChildElement(iq.getChildElement().createCopy());
                }
                StanzaErrors.setError(error, PacketError.Condition.recipient_unavailable);
                if (error.getFrom() == null) {
                    error.setFrom(serverJid);
                }
                routes.routeToFullJid(iq.getFrom(), error);
            } else {
                LOG.info("An IQ {} for {} could not reach its node and is dropped (results and errors are never answered)",
                        iq.getType(), recipient);
            }
        } else if (packet instanceof Presence) {
            LOG.debug("A presence for {} could not reach its node and is dropped", recipient);
        }
    }
}
