package org.skein;

import java.util.Locale;
import java.util.function.Consumer;
import org.skein.config.ConfigException;
import org.skein.config.ServerConfig;
import org.skein.routing.RoutingTable;
import org.skein.session.LocalClientSession;
import org.skein.session.SlowConsumerHandler;
import org.skein.stanzaid.StanzaIds;
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
 * The node's slow-consumer policy ({@code xmpp.c2s.outbound.messages}, see {@code docs/operations.md}):
 * for a session whose client does not read, chat and normal messages go to offline storage
 * ({@code offline}, the default) or bounce ({@code bounce}); every other message and every IQ request
 * gets a {@code resource-constraint} error (type {@code wait}) back to its sender; a presence, an IQ
 * result or error and an error message are dropped with a log line (RFC 6120 section 8.3.1 forbids
 * answering an error; the session is closed when its client reads again, so its next login gets fresh
 * presence and roster).
 */
final class SlowConsumerPackets implements SlowConsumerHandler {

    private static final Logger LOG = LoggerFactory.getLogger(SlowConsumerPackets.class);

    static final String MESSAGES_KEY = "xmpp.c2s.outbound.messages";

    private final boolean keepOffline;
    private final RoutingTable routes;
    private final JID serverJid;
    private final Consumer<LocalClientSession> storedDelivery;

    /**
     * @param keepOffline whether chat and normal messages go to offline storage (else they bounce)
     * @param storedDelivery delivers a session's stored messages (blocks on the store)
     */
    SlowConsumerPackets(boolean keepOffline, RoutingTable routes, JID serverJid, Consumer<LocalClientSession> storedDelivery) {
        this.keepOffline = keepOffline;
        this.routes = routes;
        this.serverJid = serverJid;
        this.storedDelivery = storedDelivery;
    }

    /** Reads {@code xmpp.c2s.outbound.messages}: {@code offline} (default) or {@code bounce}. */
    static boolean keepsOffline(ServerConfig config) {
        String value = config.get(MESSAGES_KEY, "offline").trim().toLowerCase(Locale.ROOT);
        switch (value) {
            case "offline":
                return true;
            case "bounce":
                return false;
            default:
                throw new ConfigException(config.source() + ": key '" + MESSAGES_KEY + "' is '" + config.get(MESSAGES_KEY, "")
                        + "', expected 'offline' (messages for a client that does not read are kept offline) or 'bounce'");
        }
    }

    @Override
    public boolean keepsMessagesOffline() {
        return keepOffline;
    }

    @Override
    public void refused(LocalClientSession session, Packet packet) {
        if (packet instanceof Message message) {
            if (message.getType() == Message.Type.error) {
                LOG.info("An error message for {} is dropped: its client does not read", session.address());
                return;
            }
            Message error = message.createCopy();
            StanzaIds.stripForged(error, serverJid.getDomain()); // the recipient's archive id is not the sender's business
            answer(session, message, error);
        } else if (packet instanceof IQ iq) {
            if (iq.getType() == IQ.Type.get || iq.getType() == IQ.Type.set) {
                IQ error = IQ.createResultIQ(iq);
                if (iq.getChildElement() != null) {
                    error.setChildElement(iq.getChildElement().createCopy());
                }
                error.setType(IQ.Type.error);
                answer(session, iq, error);
            } else {
                LOG.info("An IQ {} for {} is dropped: its client does not read", iq.getType(), session.address());
            }
        } else if (packet instanceof Presence presence) {
            LOG.debug("A presence ({}) for {} is dropped: its client does not read", presence.getType(), session.address());
        }
    }

    /** Sends {@code error} (a copy of {@code original} to become the error) back to the original's sender. */
    private void answer(LocalClientSession session, Packet original, Packet error) {
        JID sender = original.getFrom();
        if (sender == null || sender.getResource() == null) {
            LOG.info("A {} for {} from {} is dropped: its client does not read, and the sender is no session to tell",
                    original.getElement().getName(), session.address(), sender);
            return;
        }
        error.setTo(sender);
        error.setFrom(original.getTo() == null ? serverJid : original.getTo());
        StanzaErrors.setError(error, PacketError.Condition.resource_constraint, PacketError.Type.wait,
                "the recipient does not read what is sent to it");
        if (!routes.routeToFullJid(sender, error)) {
            LOG.info("A {} for {} is dropped: its client does not read, and its sender {} is gone",
                    original.getElement().getName(), session.address(), sender);
        } else {
            LOG.debug("A {} for {} bounced to {}: its client does not read", original.getElement().getName(), session.address(), sender);
        }
    }

    @Override
    public void deliverStored(LocalClientSession session) {
        storedDelivery.accept(session);
    }
}
