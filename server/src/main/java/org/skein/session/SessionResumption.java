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
import org.skein.cache.Cache;
import org.skein.cache.CacheFactory;
import org.skein.cluster.NodeID;
import org.skein.clustering.ClusterManager;
import org.skein.routing.PacketRouter;
import org.skein.routing.RoutingTable;
import org.skein.xmpp.stream.StanzaParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;
import org.xmpp.packet.Packet;
import org.xmpp.packet.Presence;
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
 * <h2>Resumption on another node</h2>
 * A client whose connection broke may come back through any node of the cluster. Every resumable session's id
 * is in the clustered {@value #DIRECTORY_CACHE} cache ({@link ResumableSession}: the node that holds it and its
 * full JID), written when the client enables resumption (one write per session, none per stanza). The node where
 * the client resumes (the new node) finds the holder there and:
 * <ol>
 *   <li>makes the session reachable on itself under the same full JID, without a route yet: what reaches it
 *       waits in it;</li>
 *   <li>asks the holder, with a cluster task it waits for, to hand the session over. The holder, under the
 *       session's output lock, drops what the client acknowledged, takes the counters and the unacknowledged
 *       stanzas in order ({@link SessionHandOver}), closes the old connection if it was still open, and from then
 *       on passes every stanza that reaches the session there on to the new node through the remote packet
 *       router, in order, after those handed over. It keeps doing so for {@link #MOVED_GRACE} (stanzas routed on
 *       a stale route still arrive there meanwhile), then drops its copy; later strays find the new route;</li>
 *   <li>takes that state, writes {@code <resumed/>}, the stanzas handed over, then what waited, and writes the
 *       route and session info that now name itself (the newest login of the full JID, for
 *       {@link ResourceConflicts}). Contacts see no presence change: the session never ended.</li>
 * </ol>
 * No stanza goes nowhere and none is written twice: each is either in the state handed over or passed on
 * afterwards, never both. <b>Known gap, order:</b> stanzas that a sender routed to the old node while the session
 * moved (from the hand-over until the new route reaches the sender's near cache) are passed on from there, and may
 * come after later stanzas of the same sender that took the new route straight to the new node (seen in a test:
 * one message of a sender on a third node overtook 36 that were passed on). Stanzas queued before the hand-over keep
 * their order. If the holder does not answer, refuses (the session ended, or {@code h} is too high), or is gone, the
 * client gets {@code <failed><item-not-found/></failed>} and binds anew; what waited on the new node is routed
 * again.
 *
 * <h2>Resumption after the holder's node died</h2>
 * With the {@link SessionJournal} on (in a cluster), a resumable session's unacknowledged stanzas and counters are
 * also in clustered caches. A client that resumes while the directory names a node that is no longer a member (or no
 * node) resumes from the journal: the new node claims the session's journal header with an atomic remove (of two
 * nodes, one wins), reads the stanzas after the acknowledged count, drops those the client's {@code h} acknowledges,
 * and goes on as for a move ({@code <resumed/>}, the stanzas in order), then sends the session's presence to its
 * contacts again (they saw it go unavailable at the crash). The senior member looks for journals whose node is gone
 * ({@link #orphanedJournals()}: when a node leaves, and when it becomes senior) and, after each one's resumption
 * timeout, claims those still there and handles their stanzas as undelivered, in order (messages to offline storage).
 *
 * <p>Thread-safe.
 */
public final class SessionResumption {

    private static final Logger LOG = LoggerFactory.getLogger(SessionResumption.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Stream management id → {@link ResumableSession}: where each resumable session of the cluster is. */
    public static final String DIRECTORY_CACHE = "sm.resumable";
    /** How long a node passes on stanzas for a session that moved to another node before it forgets the session. */
    static final java.time.Duration MOVED_GRACE = java.time.Duration.ofSeconds(60);

    private final StreamManagementSettings settings;
    private final ScheduledExecutorService scheduler;
    private final PacketRouter router;
    private final RoutingTable routingTable;
    private final Map<String, LocalClientSession> resumable = new ConcurrentHashMap<>();
    private final Map<LocalClientSession, ScheduledFuture<?>> timeouts = new ConcurrentHashMap<>();
    private volatile boolean stopping;
    private final NodeID localNode;
    private final CacheFactory caches;
    private final ClusterManager cluster;
    private final SessionManager sessions;
    private final Cache<String, ResumableSession> directory;
    /** The journal of resumable sessions' unacknowledged stanzas, or {@code null} when it is off. */
    private final SessionJournal journal;
    /** Ids of orphaned journals (their node died) whose timeout is scheduled here. */
    private final java.util.Set<String> orphansScheduled = ConcurrentHashMap.newKeySet();

    /**
     * @param scheduler runs the resumption timeouts (the ending itself runs on the session's processing executor)
     * @param router ends sessions (presence, route)
     * @param routingTable handles the stanzas a client never acknowledged
     * @param cluster asks other nodes to hand sessions over
     * @param sessions makes sessions that move in from other nodes
     * @param journal keeps resumable sessions' unacknowledged stanzas in the cluster, or {@code null} when that is off
     */
    public SessionResumption(StreamManagementSettings settings, ScheduledExecutorService scheduler, PacketRouter router,
                             RoutingTable routingTable, CacheFactory caches, ClusterManager cluster, SessionManager sessions,
                             SessionJournal journal) {
        this.journal = journal;
        this.localNode = routingTable.localNode();
        this.caches = Objects.requireNonNull(caches, "caches");
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.directory = caches.createCache(DIRECTORY_CACHE);
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
            try {
                directory.put(id, new ResumableSession(localNode, session.address().toString()));
            } catch (RuntimeException e) {
                LOG.warn("{} can be resumed on this node only: recording its id in {} failed", session, DIRECTORY_CACHE, e);
            }
            journal(session);
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
     * Resumes here a session that another node holds (see the class comment): waits for that node's answer.
     * Runs on the new connection's executor.
     *
     * @param streamId the id of the new stream
     * @return the session, now on {@code to}, or {@code null} if it could not be resumed here
     */
    LocalClientSession resumeFromCluster(String previd, String username, ClientConnection to, String streamId, long h) {
        if (previd == null || !caches.isClustered()) {
            return null;
        }
        ResumableSession where;
        JID address;
        try {
            where = directory.get(previd);
            if (where == null) {
                return resumeFromJournal(previd, username, to, streamId, h);
            }
            if (where.node().equals(localNode)) {
                return null;
            }
            address = new JID(where.fullJid());
        } catch (RuntimeException e) {
            LOG.warn("Looking up stream management id {} failed", previd, e);
            return null;
        }
        if (!username.equals(address.getNode())) {
            return null;
        }
        if (cluster.getNodeInfo(where.node()).isEmpty()) {
            // its node is gone: the journal may have its unacknowledged stanzas
            directory.remove(previd, where);
            return resumeFromJournal(previd, username, to, streamId, h);
        }
        LocalClientSession moving = sessions.prepareMoved(to, address, streamId);
        if (moving == null) {
            LOG.info("{} cannot be resumed here: this node holds a session with that address already", address);
            return null;
        }
        SessionHandOver.Answer answer;
        try {
            answer = cluster.doSynchronousClusterTask(new SessionTasks.HandOver(previd, username, h, localNode), where.node());
        } catch (RuntimeException e) {
            LOG.warn("Node {} did not hand over {}: {}", where.node(), address, e.toString());
            answer = null;
        }
        if (answer == null || answer.handOver() == null) {
            LOG.info("Node {} did not hand over {} ({})", where.node(), address, answer == null ? "no answer" : answer.refusal());
            abandon(moving);
            return null;
        }
        SessionHandOver state = answer.handOver();
        StreamManagement sm = StreamManagement.moved(previd, java.time.Duration.ofMillis(state.resumeTimeoutMillis()),
                settings.maxUnacked(), state.inbound(), state.acked(), state.unacked());
        moving.installMoved(state, sm, () -> overflow(moving),
                inbound -> "<resumed xmlns='" + StreamManagement.NAMESPACE + "' previd='" + previd + "' h='" + inbound + "'/>");
        publishMovedIn(previd, moving);
        LOG.info("{} moved here from node {} with {} unacknowledged stanzas", moving, where.node(), state.unacked().size());
        return moving;
    }

    /** A session moved in: its route, its session info, its directory entry and its journal now name this node. */
    private void publishMovedIn(String previd, LocalClientSession moving) {
        sessions.publishMoved(moving);
        resumable.put(previd, moving);
        try {
            directory.put(previd, new ResumableSession(localNode, moving.address().toString()));
        } catch (RuntimeException e) {
            LOG.warn("{} can be resumed on this node only: recording its id in {} failed", moving, DIRECTORY_CACHE, e);
        }
        journal(moving);
    }

    private void journal(LocalClientSession session) {
        if (journal != null && caches.isClustered()) {
            session.attachJournal(journal);
        }
    }

    /**
     * Resumes here a session whose node died (see {@link SessionJournal}): claims its journal (of two nodes that try,
     * one wins), replays what the client had not acknowledged, in order, and tells the contacts its presence again
     * (they saw it go unavailable when its node died).
     */
    private LocalClientSession resumeFromJournal(String previd, String username, ClientConnection to, String streamId, long h) {
        if (journal == null) {
            return null;
        }
        SessionJournal.Claim claim;
        try {
            claim = journal.claim(previd, header -> username.equals(new JID(header.fullJid()).getNode())
                    && !header.node().equals(localNode) && cluster.getNodeInfo(header.node()).isEmpty());
        } catch (RuntimeException e) {
            LOG.warn("Reading the journal of stream management id {} failed", previd, e);
            return null;
        }
        if (claim == null) {
            return null;
        }
        JournalHeader header = claim.header();
        JID address = new JID(header.fullJid());
        LocalClientSession moving = sessions.prepareMoved(to, address, streamId);
        if (moving == null) {
            LOG.info("{} cannot be resumed here: this node holds a session with that address already; its {} journaled stanzas"
                    + " are handled as undelivered", address, claim.unacked().size());
            undelivered(address, claim.unacked());
            return null;
        }
        // the client may have acknowledged stanzas after the journal's last header: those are dropped
        long more = Math.floorMod(h - header.acked(), 1L << 32);
        List<String> unacked = claim.unacked();
        long acked = header.acked();
        if (more <= unacked.size()) {
            unacked = unacked.subList((int) more, unacked.size());
            acked = h;
        } else {
            LOG.info("{} acknowledged {} stanzas more than its journal holds (the last batch before its node died); none is replayed",
                    address, more);
            unacked = List.of();
            acked = h;
        }
        java.time.Duration timeout = java.time.Duration.ofMillis(header.resumeTimeoutMillis());
        SessionHandOver state = new SessionHandOver(header.fullJid(), header.resumeTimeoutMillis(), header.inbound(), acked,
                List.copyOf(unacked), header.presenceXml(), !header.presenceXml().isEmpty(), header.rosterRequested(), true,
                header.carbonsEnabled(), List.of(), false);
        StreamManagement sm = StreamManagement.moved(previd, timeout, settings.maxUnacked(), state.inbound(), state.acked(), state.unacked());
        moving.installMoved(state, sm, () -> overflow(moving),
                inbound -> "<resumed xmlns='" + StreamManagement.NAMESPACE + "' previd='" + previd + "' h='" + inbound + "'/>");
        publishMovedIn(previd, moving);
        LOG.info("{} resumed here after its node {} died, with {} unacknowledged stanzas from the journal", moving, header.node(),
                unacked.size());
        if (!header.presenceXml().isEmpty()) {
            try {
                Presence presence = (Presence) StanzaParser.parsePacket(header.presenceXml());
                presence.setFrom(address);
                presence.setTo((JID) null);
                router.route(presence, moving);
            } catch (RuntimeException e) {
                LOG.warn("The presence of {} could not be sent again after its resume", address, e);
            }
        }
        return moving;
    }

    /** Stanzas of a session that ended elsewhere: handled as undelivered, in order (messages to offline storage). */
    private void undelivered(JID address, List<String> stanzas) {
        for (String xml : stanzas) {
            try {
                Packet packet = StanzaParser.parsePacket(xml);
                if (packet instanceof Message message && isCarbonCopy(message)) {
                    continue;
                }
                routingTable.undeliverable(address, packet);
            } catch (RuntimeException e) {
                LOG.warn("A journaled stanza of {} could not be handled", address, e);
            }
        }
    }

    /**
     * Watches for journals whose node died (on the senior member): each is given its session's resumption timeout
     * from now, then claimed (unless a client resumed it meanwhile) and its messages put in offline storage, in order.
     * Register it with the cluster manager.
     */
    public org.skein.cluster.ClusterEventListener orphanedJournals() {
        return new org.skein.cluster.ClusterEventListener() {
            @Override
            public void leftCluster(NodeID nodeId) {
                scanOrphans();
            }

            @Override
            public void markedAsSeniorClusterMember() {
                scanOrphans();
            }

            @Override
            public void joinedCluster() {
                scanOrphans();
            }
        };
    }

    private void scanOrphans() {
        if (journal == null || stopping) {
            return;
        }
        try {
            scheduler.execute(() -> {
                if (!cluster.isSeniorClusterMember() || !caches.isClustered()) {
                    return;
                }
                try {
                    journal.orphans(node -> cluster.getNodeInfo(node).isEmpty()).forEach((id, header) -> {
                        if (orphansScheduled.add(id)) {
                            LOG.info("The journal of {} lost its node {}; its client has {} ms to resume", header.fullJid(), header.node(),
                                    header.resumeTimeoutMillis());
                            scheduler.schedule(() -> expireOrphan(id), header.resumeTimeoutMillis(), TimeUnit.MILLISECONDS);
                        }
                    });
                } catch (RuntimeException e) {
                    LOG.warn("Looking for stream management journals of nodes that died failed", e);
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("The node is stopping; orphaned journals are left to the next senior member");
        }
    }

    /** An orphaned journal's timeout: if no client resumed it, its messages go to offline storage, in order. */
    private void expireOrphan(String id) {
        orphansScheduled.remove(id);
        SessionJournal.Claim claim;
        try {
            claim = journal.claim(id, header -> !header.node().equals(localNode) && cluster.getNodeInfo(header.node()).isEmpty());
        } catch (RuntimeException e) {
            LOG.warn("Claiming the orphaned journal {} failed; the next scan tries again", id, e);
            return;
        }
        if (claim == null) {
            return; // resumed meanwhile, or taken by another node
        }
        try {
            directory.remove(id);
        } catch (RuntimeException e) {
            LOG.debug("Removing {} from {} failed", id, DIRECTORY_CACHE, e);
        }
        LOG.info("{} was not resumed within {} ms after its node {} died; its {} unacknowledged stanzas are handled as undelivered",
                claim.header().fullJid(), claim.header().resumeTimeoutMillis(), claim.header().node(), claim.unacked().size());
        undelivered(new JID(claim.header().fullJid()), claim.unacked());
    }

    /** A session that was to move in did not: what reached it meanwhile is routed again (the old node may still hold it). */
    private void abandon(LocalClientSession moving) {
        sessions.abandonMoved(moving);
        for (String xml : moving.abandonCatchingUp()) {
            try {
                Packet packet = StanzaParser.parsePacket(xml);
                if (!routingTable.routeToFullJid(moving.address(), packet)) {
                    routingTable.undeliverable(moving.address(), packet);
                }
            } catch (RuntimeException e) {
                LOG.warn("A stanza for {} could not be routed again", moving.address(), e);
            }
        }
    }

    /**
     * Hands a session of this node over to the node where its client resumes (see the class comment): runs on
     * the holder, in a cluster task.
     */
    SessionHandOver.Answer handOver(String previd, String username, long h, NodeID to) {
        LocalClientSession session = find(previd, username);
        if (session == null) {
            return SessionHandOver.Answer.refused("no resumable session with this id here");
        }
        ScheduledFuture<?> timeout = timeouts.remove(session);
        if (timeout != null) {
            timeout.cancel(false);
        }
        SessionHandOver state = session.handOver(h, xml -> passOn(session, to, xml));
        if (state == null) {
            if (timeout != null && session.isDetached()) {
                // still ours and still waiting: its timeout goes on
                timeouts.put(session, scheduler.schedule(() -> expire(session), session.resumeTimeout().toMillis(), TimeUnit.MILLISECONDS));
            }
            return SessionHandOver.Answer.refused("the session has ended, or h=" + h + " counts more than was sent");
        }
        resumable.remove(previd, session);
        LOG.info("{} moves to node {} with {} unacknowledged stanzas", session, to, state.unacked().size());
        try {
            scheduler.schedule(() -> sessions.dropMoved(session), MOVED_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            sessions.dropMoved(session);
        }
        return new SessionHandOver.Answer(state, null);
    }

    /** A stanza for a session that moved to {@code to}: passed on (under the session's output lock, so in order). */
    private void passOn(LocalClientSession session, NodeID to, String xml) {
        Packet packet;
        try {
            packet = StanzaParser.parsePacket(xml);
        } catch (RuntimeException e) {
            LOG.warn("A stanza for {}, which moved to node {}, cannot be read; it is dropped: {}", session, to, e.getMessage());
            return;
        }
        org.skein.routing.RemotePacketRouter remote = routingTable.getRemotePacketRouter();
        if (remote != null && remote.routePacket(to, session.address(), packet)) {
            return;
        }
        LOG.info("A stanza for {} could not be passed on to node {}, where it moved", session, to);
        session.keepUndelivered(packet);
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
        if (id != null && resumable.remove(id, session)) {
            try {
                directory.remove(id, new ResumableSession(localNode, session.address().toString()));
            } catch (RuntimeException e) {
                LOG.debug("Removing {} from {} failed", id, DIRECTORY_CACHE, e);
            }
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
