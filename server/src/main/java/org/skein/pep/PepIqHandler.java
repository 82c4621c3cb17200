package org.skein.pep;

import java.util.Objects;
import org.skein.iq.IqErrors;
import org.skein.iq.IqHandler;
import org.skein.pubsub.PubSubEngine;
import org.skein.session.LocalClientSession;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.PacketError;

/**
 * Answers {@code pubsub} (or {@code pubsub#owner}) requests to an account's bare JID, or without
 * {@code to} (the requester's own account), with that account's PEP service. A request to the server's
 * domain is not PEP: the publish-subscribe service has a domain of its own.
 */
final class PepIqHandler implements IqHandler {

    private final String namespace;
    private final PubSubEngine engine;
    private final JID serverJid;

    PepIqHandler(String namespace, PubSubEngine engine, JID serverJid) {
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.engine = Objects.requireNonNull(engine, "engine");
        this.serverJid = Objects.requireNonNull(serverJid, "serverJid");
    }

    @Override
    public String namespace() {
        return namespace;
    }

    @Override
    public boolean answersForUsers() {
        return true;
    }

    @Override
    public IQ handle(IQ request, LocalClientSession session) {
        JID to = request.getTo();
        if (to != null && to.getNode() == null) {
            return IqErrors.error(request, PacketError.Condition.service_unavailable, serverJid);
        }
        JID owner = to == null ? session.address().asBareJID() : to.asBareJID();
        return engine.handle(request, new PepService(owner));
    }
}
