package org.skein;

import java.util.Objects;
import org.skein.iq.IqRouter;
import org.skein.message.MessageRouter;
import org.skein.presence.PresenceManager;
import org.skein.routing.PacketRouter;
import org.skein.session.LocalClientSession;
import org.skein.session.SessionManager;
import org.xmpp.packet.IQ;
import org.xmpp.packet.Message;
import org.xmpp.packet.Packet;
import org.xmpp.packet.Presence;

/** The node's {@link PacketRouter}: messages, presences and IQs each to their own logic. */
final class XmppPacketRouter implements PacketRouter {

    private final MessageRouter messages;
    private final PresenceManager presences;
    private final IqRouter iqs;
    private final SessionManager sessions;
    private final java.util.List<java.util.function.Consumer<LocalClientSession>> closedListeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    XmppPacketRouter(MessageRouter messages, PresenceManager presences, IqRouter iqs, SessionManager sessions) {
        this.messages = Objects.requireNonNull(messages, "messages");
        this.presences = Objects.requireNonNull(presences, "presences");
        this.iqs = Objects.requireNonNull(iqs, "iqs");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
    }

    @Override
    public void route(Packet packet, LocalClientSession sender) {
        if (packet instanceof Message) {
            messages.route((Message) packet);
        } else if (packet instanceof Presence) {
            presences.process((Presence) packet, sender);
        } else if (packet instanceof IQ) {
            iqs.route((IQ) packet, sender);
        }
    }

    /** Adds work for every session that ends (after its unavailable presence went out, before its route is removed). */
    void addSessionClosedListener(java.util.function.Consumer<LocalClientSession> listener) {
        closedListeners.add(listener);
    }

    @Override
    public void sessionClosed(LocalClientSession session) {
        try {
            presences.sessionClosed(session);
            // before the route goes: what a listener records (last activity) is there once the session is gone
            for (java.util.function.Consumer<LocalClientSession> listener : closedListeners) {
                try {
                    listener.accept(session);
                } catch (RuntimeException e) {
                    org.slf4j.LoggerFactory.getLogger(XmppPacketRouter.class).warn("Cleaning up after {} failed", session, e);
                }
            }
        } finally {
            sessions.sessionClosed(session);
        }
    }
}
