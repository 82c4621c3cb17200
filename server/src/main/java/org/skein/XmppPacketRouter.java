package org.skein;

import java.util.Objects;
import org.skein.iq.IqRouter;
import org.skein.message.MessageRouter;
import org.skein.presence.PresenceManager;
import org.skein.routing.PacketRouter;
import org.skein.session.LocalClientSession;
import org.skein.session.SessionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.IQ;
import org.xmpp.packet.Message;
import org.xmpp.packet.Packet;
import org.xmpp.packet.Presence;

/**
 * The node's {@link PacketRouter}: messages, presences and IQs each to their own logic; tells the
 * {@link SessionEvents} of broadcast unavailable presence and of sessions that end.
 */
final class XmppPacketRouter implements PacketRouter {

    private static final Logger LOG = LoggerFactory.getLogger(XmppPacketRouter.class);

    private final MessageRouter messages;
    private final PresenceManager presences;
    private final IqRouter iqs;
    private final SessionManager sessions;
    private final SessionEvents events;

    XmppPacketRouter(MessageRouter messages, PresenceManager presences, IqRouter iqs, SessionManager sessions,
                     SessionEvents events) {
        this.messages = Objects.requireNonNull(messages, "messages");
        this.presences = Objects.requireNonNull(presences, "presences");
        this.iqs = Objects.requireNonNull(iqs, "iqs");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.events = Objects.requireNonNull(events, "events");
    }

    @Override
    public void route(Packet packet, LocalClientSession sender) {
        if (packet instanceof Message) {
            messages.route((Message) packet);
        } else if (packet instanceof Presence presence) {
            boolean wasAvailable = sender.isAvailable();
            presences.process(presence, sender);
            if (wasAvailable && presence.getTo() == null && presence.getType() == Presence.Type.unavailable) {
                try {
                    events.unavailable(sender, presence);
                } catch (RuntimeException e) {
                    LOG.warn("A listener of {} going unavailable failed", sender, e);
                }
            }
        } else if (packet instanceof IQ) {
            iqs.route((IQ) packet, sender);
        }
    }

    @Override
    public void sessionClosed(LocalClientSession session) {
        try {
            presences.sessionClosed(session);
            try {
                events.ended(session);
            } catch (RuntimeException e) {
                LOG.warn("A listener of the end of {} failed", session, e);
            }
        } finally {
            sessions.sessionClosed(session);
        }
    }
}
