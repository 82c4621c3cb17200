package org.skein.session;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.skein.routing.PacketRouter;
import org.skein.routing.RoutingTable;
import org.skein.xmpp.stream.StanzaParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.Message;
import org.xmpp.packet.Packet;
import org.xmpp.packet.StreamError;

/**
 * The node's side of stream management (XEP-0198) beyond one connection: which sessions may be resumed
 * (by stream management id), what happens when a session's connection closes, and how a session ends.
 *
 * <h2>When a connection closes</h2>
 * <ul>
 *   <li>The session asked for resumption and the connection broke (no {@code </stream>} from the client,
 *       no stream error from the server): the session is <b>detached</b>. It keeps its route, its presence
 *       and its place: contacts are <em>not</em> told it is unavailable (a phone switching networks comes
 *       back within seconds), and stanzas for it are counted and queued. If no client resumes it within its
 *       timeout ({@link StreamManagementSettings}), it ends.</li>
 *   <li>Otherwise it ends now.</li>
 * </ul>
 * <h2>When a session ends</h2>
 * Its contacts get its unavailable presence and its route goes (the {@link PacketRouter}'s
 * {@code sessionClosed}); then every stanza the client never acknowledged is handled as undeliverable
 * (RFC 6120 section 10.5 and XEP-0198 section 6): a message is routed again as for a resource that is
 * gone (the user's other resources or offline storage; never lost in silence), an IQ request gets an
 * error back to its sender, a presence is dropped. Carbon copies are dropped (the original went elsewhere).
 *
 * <p>Resumption is on the same node only: a session's id is known only to the node that holds it, and a
 * client that resumes on another node gets {@code <failed><item-not-found/></failed>} and binds anew.
 *
 * <p>Thread-safe.
 */
public final class SessionResumption {

    private static final Logger LOG = LoggerFactory.getLogger(SessionResumption.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final StreamManagementSettings settings;
    private final ScheduledExecutorService scheduler;
    private final PacketRouter router;
    private final RoutingTable routingTable;
    private final Map<String, LocalClientSession> resumable = new ConcurrentHashMap<>();
    private final Map<LocalClientSession, ScheduledFuture<?>> timeouts = new ConcurrentHashMap<>();
    private volatile boolean stopping;

    /**
     * @param scheduler runs the resumption timeouts (the ending itself runs on the session's processing executor)
     * @param router ends sessions (presence, route)
     * @param routingTable handles the stanzas a client never acknowledged
     */
    public SessionResumption(StreamManagementSettings settings, ScheduledExecutorService scheduler, PacketRouter router,
                             RoutingTable routingTable) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.router = Objects.requireNonNull(router, "router");
        this.routingTable = Objects.requireNonNull(routingTable, "routingTable");
    }

    public StreamManagementSettings settings() {
        return settings;
    }

    /** How many sessions wait for their client to resume. */
    public int detachedCount() {
        return timeouts.size();
    }

    /**
     * Turns stream management on for a session ({@code <enable/>}) and writes {@code <enabled/>}.
     *
     * @param requestedMax the client's {@code max} in seconds, or 0
     * @return whether it was turned on ({@code false}: it was on already)
     */
    boolean enable(LocalClientSession session, boolean resume, long requestedMax) {
        String id = newId();
        java.time.Duration timeout = settings.timeoutFor(requestedMax);
        StreamManagement sm = new StreamManagement(id, resume, timeout, settings.maxUnacked());
        String enabled = "<enabled xmlns='" + StreamManagement.NAMESPACE + "'"
                + (resume ? " id='" + id + "' resume='true' max='" + timeout.toSeconds() + "'" : "") + "/>";
        if (!session.enableStreamManagement(sm, enabled, () -> overflow(session))) {
            return false;
        }
        if (resume) {
            resumable.put(id, session);
        }
        return true;
    }

    /** The session the client resumes, if this node holds it for the same user and it may still be resumed. */
    LocalClientSession find(String previd, String username) {
        if (previd == null) {
            return null;
        }
        LocalClientSession session = resumable.get(previd);
        if (session == null || session.isClosed() || !session.username().equals(username)) {
            return null;
        }
        return session;
    }

    /**
     * Moves a session to a new connection: see {@link LocalClientSession#resume}. Its timeout is cancelled first.
     *
     * @return whether it moved ({@code false}: {@code h} was too high, or the session ended meanwhile)
     */
    boolean resume(LocalClientSession session, ClientConnection to, long h) {
        ScheduledFuture<?> timeout = timeouts.remove(session);
        if (timeout != null) {
            timeout.cancel(false);
        }
        String previd = session.streamManagementId();
        boolean moved = session.resume(to, h, inbound -> "<resumed xmlns='" + StreamManagement.NAMESPACE + "' previd='" + previd
                + "' h='" + inbound + "'/>");
        if (moved) {
            LOG.debug("{} resumed from {}", session, to.remoteAddress());
        }
        return moved;
    }

    /**
     * A session's connection closed: the session is detached (see the class comment) or ended.
     *
     * @param cleanly whether the stream ended as it should (the client's {@code </stream>}, or a stream error from the server)
     */
    void connectionClosed(LocalClientSession session, ClientConnection connection, boolean cleanly) {
        if (!session.isOn(connection)) {
            return; // a client resumed it on a newer connection; or it ended already
        }
        if (!cleanly && !stopping && session.isResumable() && !session.isClosed() && session.detach(connection)) {
            java.time.Duration wait = session.resumeTimeout();
            LOG.debug("{} lost its connection; it waits {} s for its client to resume", session, wait.toSeconds());
            try {
                timeouts.put(session, scheduler.schedule(() -> expire(session), wait.toMillis(), TimeUnit.MILLISECONDS));
            } catch (RejectedExecutionException e) {
                end(session, true); // the node is stopping
            }
            return;
        }
        if (session.claimEnd(connection)) {
            end(session, true);
        }
    }

    /**
     * The node is stopping: sessions whose connections close from now on end at once, and the sessions
     * that wait for their clients end now (on the calling thread), so their contacts are told and their
     * unacknowledged messages kept.
     */
    public void stop() {
        stopping = true;
        for (LocalClientSession session : List.copyOf(timeouts.keySet())) {
            ScheduledFuture<?> timeout = timeouts.remove(session);
            if (timeout != null) {
                timeout.cancel(false);
            }
            if (session.claimEnd(null)) {
                end(session, !session.isClosed());
            }
        }
    }

    /** The timeout of a detached session: it ends now, on its processing executor, unless it was resumed. */
    private void expire(LocalClientSession session) {
        timeouts.remove(session);
        if (!session.claimEnd(null)) {
            return;
        }
        LOG.debug("{} was not resumed in time; it ends", session);
        // a session replaced meanwhile by a login with the same resource was ended then (its presence, its route)
        boolean replaced = session.isClosed();
        session.connection().executor().execute(() -> end(session, !replaced));
    }

    /** The client left too many stanzas unacknowledged (runs under the session's output lock: only closes). */
    private void overflow(LocalClientSession session) {
        LOG.info("{} has more than {} unacknowledged stanzas; it ends", session, settings.maxUnacked());
        session.forbidResumption();
        ClientConnection current = session.currentConnection();
        if (current != null) {
            current.closeWithError(StreamError.Condition.resource_constraint, "too many unacknowledged stanzas");
        } else {
            ScheduledFuture<?> timeout = timeouts.get(session);
            if (timeout != null && timeout.cancel(false)) {
                scheduler.execute(() -> expire(session));
            }
        }
    }

    /** Ends a session for good: unavailable presence and route, then the stanzas its client never acknowledged. */
    private void end(LocalClientSession session, boolean closeSession) {
        String id = session.streamManagementId();
        if (id != null) {
            resumable.remove(id, session);
        }
        if (closeSession) {
            try {
                router.sessionClosed(session);
            } catch (RuntimeException e) {
                LOG.warn("Cleaning up {} failed", session, e);
            }
        }
        List<String> left = session.drainUnacknowledged();
        if (!left.isEmpty()) {
            LOG.info("{} ended with {} stanzas its client had not acknowledged; handling them as undelivered", session, left.size());
        }
        for (String xml : left) {
            try {
                Packet packet = StanzaParser.parsePacket(xml);
                if (packet instanceof Message message && isCarbonCopy(message)) {
                    continue;
                }
                routingTable.undeliverable(session.address(), packet);
            } catch (RuntimeException e) {
                LOG.warn("An unacknowledged stanza of {} could not be handled", session, e);
            }
        }
    }

    private static boolean isCarbonCopy(Message message) {
        for (org.dom4j.Element child : message.getElement().elements()) {
            if ("urn:xmpp:carbons:2".equals(child.getNamespaceURI())
                    && ("sent".equals(child.getName()) || "received".equals(child.getName()))) {
                return true;
            }
        }
        return false;
    }

    private static String newId() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
