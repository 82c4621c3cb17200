package org.skein.session;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import org.skein.cache.Cache;
import org.skein.cache.CacheFactory;
import org.skein.cluster.ClusterException;
import org.skein.cluster.ClusterTaskResults;
import org.skein.cluster.NodeID;
import org.skein.clustering.ClusterManager;
import org.skein.routing.ClientRoute;
import org.skein.routing.RoutingTable;
import org.skein.xmpp.stream.StanzaParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.JID;
import org.xmpp.packet.Packet;
import org.xmpp.packet.Presence;
import org.xmpp.packet.StreamError;

/**
 * The node's client sessions, and the sessions of the whole cluster as far as this node needs them.
 *
 * <ul>
 *   <li><b>Binding</b> (RFC 6120 section 7): a requested or generated resource. A session that holds
 *       the same full JID is closed with a {@code conflict} stream error first, on this node or, with a
 *       cluster task that this node waits for, on the node that holds it.</li>
 *   <li><b>Session info</b>: the clustered {@value #INFO_CACHE} cache (full JID → {@link SessionInfo})
 *       holds, for every session of the cluster, its node, current available presence, priority,
 *       creation time, client address and stream id. Only the node that holds a session writes its
 *       entry, and it removes or updates the entry only while the entry is still its own (a login with
 *       the same full JID on another node may have replaced it). Other nodes read a session's presence
 *       from here without a round trip, and {@link RemoteSessions} keeps this node's copy of the
 *       other nodes' entries.</li>
 *   <li><b>Sessions anywhere</b>: {@link #getSession} (a {@link RemoteClientSession} for another
 *       node's), {@link #clusterSessions()}, {@link #closeSession}, the cluster-wide counts
 *       {@link #getUserSessionsCount} and {@link #getUsersCount} (a cluster task on every node;
 *       partial results when a node does not answer in time) and {@link #broadcast} (a server
 *       announcement to every session of the cluster).</li>
 * </ul>
 * Routes are kept by the {@link RoutingTable}. What happens when nodes join, leave or crash is done by
 * the node's cluster event listener with the methods here.
 *
 * <p>Thread-safe. Methods that run cluster tasks and wait ({@link #bind} when another node holds the
 * full JID, the cluster-wide counts, {@link #closeSession} of a remote session) block up to the
 * cluster task timeout; call them from processing threads, never from network threads.
 */
public final class SessionManager {

    private static final Logger LOG = LoggerFactory.getLogger(SessionManager.class);

    /** Full JID → {@link SessionInfo}, written by the node that holds the session. */
    public static final String INFO_CACHE = "sessions.info";

    private static final String CONFLICT_TEXT = "Replaced by a new connection with the same resource";

    /** Told when a session is ended by the server (replaced by a new login, closed by an admin), before it is closed. */
    public interface ReplacedSessionHandler {
        void sessionReplaced(LocalClientSession old);
    }

    private final NodeID localNode;
    private final String domain;
    private final RoutingTable routingTable;
    private final CacheFactory caches;
    private final ClusterManager cluster;
    private final Cache<String, SessionInfo> sessionInfo;
    private final StanzaTraffic traffic = new StanzaTraffic();
    private final RemoteSessions remoteSessions;
    private final Clock clock;
    private volatile SlowConsumerHandler slowConsumerHandler;
    private volatile RemoteSessionLocator remoteSessionLocator;
    private volatile ReplacedSessionHandler replacedSessionHandler = old -> { };
    private volatile MessageHold.Storage holdStorage;

    /** At most this many messages wait in a new session's {@link MessageHold} before its initial presence. */
    static final int HOLD_MAX_MESSAGES = 100;
    /** At most this many bytes of messages wait there. */
    static final long HOLD_MAX_BYTES = 1024 * 1024;
    /** A client that sends no initial presence this long after its bind gets its held messages anyway. */
    static final Duration HOLD_TIMEOUT = Duration.ofSeconds(10);

    public SessionManager(NodeID localNode, String domain, RoutingTable routingTable, CacheFactory caches,
                          ClusterManager cluster, Clock clock) {
        this.localNode = Objects.requireNonNull(localNode, "localNode");
        this.domain = Objects.requireNonNull(domain, "domain");
        this.routingTable = Objects.requireNonNull(routingTable, "routingTable");
        this.caches = Objects.requireNonNull(caches, "caches");
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.sessionInfo = caches.createCache(INFO_CACHE);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.remoteSessions = new RemoteSessions(localNode, node -> cluster.getNodeInfo(node).isPresent());
        sessionInfo.addCacheEntryListener(remoteSessions, true, true);
    }

    /**
     * Settles, from now on, a full JID bound on this node and another one at once (after a split brain's
     * merge): the newest login keeps it, the other session is closed with {@code conflict}
     * ({@link ResourceConflicts}). The checks run on {@code executor}, never on cache event threads.
     */
    public void resolveResourceConflicts(ScheduledExecutorService executor) {
        ResourceConflicts conflicts = new ResourceConflicts(localNode, new ResourceConflicts.Sessions() {
            @Override
            public LocalClientSession openLocalSession(String fullJid) {
                LocalClientSession session = routingTable.localSession(fullJid);
                return session == null || session.isClosed() || session.hasMoved() ? null : session;
            }

            @Override
            public void reassert(LocalClientSession session) {
                routingTable.addClientRoute(session);
                sessionInfo.put(session.address().toString(), infoOf(session));
            }

            @Override
            public void closeSuperseded(LocalClientSession session) {
                // the full JID stays online on the other node: its contacts get no unavailable presence from here
                Presence gone = new Presence(Presence.Type.unavailable);
                gone.setFrom(session.address());
                session.setPresence(gone);
                session.closeWithError(StreamError.Condition.conflict, CONFLICT_TEXT);
                if (routingTable.removeClientRoute(session)) {
                    removeOwnInfo(session);
                }
            }

            @Override
            public ClientRoute latestRoute(JID fullJid) {
                return routingTable.latestRoute(fullJid);
            }

            @Override
            public SessionInfo latestInfo(String fullJid) {
                return sessionInfo.getLatest(fullJid);
            }
        }, executor);
        sessionInfo.addCacheEntryListener(conflicts, true, true);
        routingTable.addRouteListener(conflicts.routeWatch());
    }

    /** Sets what happens to the presence of a session the server ends (the presence logic sends unavailable for it). */
    public void setReplacedSessionHandler(ReplacedSessionHandler handler) {
        this.replacedSessionHandler = Objects.requireNonNull(handler, "handler");
    }

    /**
     * Makes new sessions hold their chat and normal messages until their offline messages are
     * delivered ({@link MessageHold}), with the user's offline storage to append them to.
     */
    public void setMessageHoldStorage(MessageHold.Storage storage) {
        this.holdStorage = Objects.requireNonNull(storage, "storage");
    }

    /**
     * Applies a slow-consumer policy to new sessions: what happens to stanzas for a session whose
     * client does not read fast enough (see {@link LocalClientSession}). Without one they are queued
     * (up to the connection's bound, which then ends the stream).
     */
    public void setSlowConsumerHandler(SlowConsumerHandler handler) {
        this.slowConsumerHandler = Objects.requireNonNull(handler, "handler");
    }

    /**
     * Binds a resource for an authenticated user: the requested one, or a generated one. A session
     * that holds the same full JID is closed with a {@code conflict} stream error first; if it is on
     * another node, this waits (up to the cluster task timeout) until that node has closed it, so its
     * unavailable presence goes out before the new session's presence.
     *
     * @param resource the requested resource, or {@code null}/empty for a generated one
     * @throws IllegalArgumentException if the resource cannot be a JID resource
     */
    public LocalClientSession bind(ClientConnection connection, String username, String resource, String streamId) {
        String chosen = resource == null || resource.isBlank() ? generatedResource() : JID.resourceprep(resource.trim());
        if (chosen == null || chosen.isEmpty() || chosen.length() > 1023) {
            throw new IllegalArgumentException("the resource is empty or too long");
        }
        JID address = new JID(username, domain, chosen, true);
        LocalClientSession old = routingTable.localSession(address);
        if (old != null && old.hasMoved()) {
            old = null; // it only passes stanzas on to the node it moved to, which the route names
        }
        if (old != null) {
            LOG.info("{} logs in again from {}: replacing {}", address, connection.remoteAddress(), old);
            endLocalSession(old, StreamError.Condition.conflict, CONFLICT_TEXT);
        } else {
            ClientRoute remote = routingTable.clientRoute(address);
            if (remote != null && !remote.node().equals(localNode)) {
                LOG.info("{} logs in from {} while node {} holds that resource: replacing it there", address,
                        connection.remoteAddress(), remote.node());
                closeOnNode(remote.node(), address, StreamError.Condition.conflict, CONFLICT_TEXT);
            }
        }
        LocalClientSession session = new LocalClientSession(connection, address, localNode, streamId, clock.instant(), traffic);
        MessageHold.Storage storage = holdStorage;
        if (storage != null) {
            session.startHold(storage, HOLD_MAX_MESSAGES, HOLD_MAX_BYTES, HOLD_TIMEOUT);
        }
        SlowConsumerHandler slowConsumer = slowConsumerHandler;
        if (slowConsumer != null) {
            session.startFlowControl(slowConsumer);
        }
        routingTable.addClientRoute(session);
        sessionInfo.put(address.toString(), infoOf(session));
        return session;
    }

    /**
     * Starts a session that moves in from another node (XEP-0198 resumption here of a session held there):
     * it is reachable on this node at once (stanzas the other node passes on after the hand-over find it, and
     * wait in it), but its route and session info are written only by {@link #publishMoved}, once it has the
     * other node's state.
     *
     * @return the session, or {@code null} if this node holds a session with this full JID already
     */
    LocalClientSession prepareMoved(ClientConnection connection, JID address, String streamId) {
        LocalClientSession session = new LocalClientSession(connection, address, localNode, streamId, clock.instant(), traffic);
        session.beginCatchingUp();
        MessageHold.Storage storage = holdStorage;
        if (storage != null) {
            session.keepOfflineIn(storage);
        }
        SlowConsumerHandler slowConsumer = slowConsumerHandler;
        if (slowConsumer != null) {
            session.startFlowControl(slowConsumer);
        }
        return routingTable.addLocalRouteOnly(session) ? session : null;
    }

    /** A session that moved in has its state: its route and session info now name this node. */
    void publishMoved(LocalClientSession session) {
        routingTable.addClientRoute(session);
        sessionInfo.put(session.address().toString(), infoOf(session));
    }

    /** A session that was to move in did not: it is no longer reachable here. */
    void abandonMoved(LocalClientSession session) {
        routingTable.removeLocalRouteOnly(session);
    }

    /**
     * A session that moved to another node is dropped from this node (after a grace period in which it passed
     * on what still arrived here). Its route and session info are removed only if they still name this node
     * (the other node never took them over).
     */
    void dropMoved(LocalClientSession session) {
        if (routingTable.removeClientRoute(session)) {
            removeOwnInfo(session);
        }
    }

    private SessionInfo infoOf(LocalClientSession session) {
        return new SessionInfo(localNode, session.isAvailable() ? session.presence().toXML() : "", session.priority(),
                session.creationTime().toEpochMilli(), session.clientAddress(), session.streamId(),
                session.connection().transport());
    }

    /** Ends a local session on the server's initiative: its presence goes unavailable, its stream is closed, its route goes. */
    private void endLocalSession(LocalClientSession session, StreamError.Condition condition, String text) {
        try {
            replacedSessionHandler.sessionReplaced(session);
        } catch (RuntimeException e) {
            LOG.warn("Ending the presence of {} failed", session, e);
        }
        session.closeWithError(condition, text);
        if (routingTable.removeClientRoute(session)) {
            removeOwnInfo(session);
        }
    }

    /** Asks another node to close one of its sessions and waits for the answer. */
    private boolean closeOnNode(NodeID node, JID address, StreamError.Condition condition, String text) {
        if (!caches.isClustered()) {
            return false;
        }
        try {
            Boolean closed = cluster.doSynchronousClusterTask(new SessionTasks.Close(address.toString(), condition.toXMPP(), text), node);
            return Boolean.TRUE.equals(closed);
        } catch (ClusterException e) {
            LOG.warn("Node {} did not close the session {} ({}): {}", node, address, condition.toXMPP(), e.getMessage());
            return false;
        }
    }

    /**
     * Closes a session of this node with a stream error, as when another login takes its resource:
     * its contacts get its unavailable presence, then its stream is closed and its route removed.
     *
     * @return whether this node held a session with this full JID
     */
    public boolean closeLocalSession(JID fullJid, StreamError.Condition condition, String text) {
        LocalClientSession session = routingTable.localSession(fullJid);
        if (session == null) {
            return false;
        }
        LOG.info("Closing {} ({}: {})", session, condition.toXMPP(), text);
        endLocalSession(session, condition, text);
        return true;
    }

    /**
     * Closes a session wherever it is: on this node at once, on another node with a cluster task that
     * this waits for.
     *
     * @return whether a session with this full JID was found and closed
     */
    public boolean closeSession(JID fullJid, StreamError.Condition condition, String text) {
        Objects.requireNonNull(condition, "condition");
        if (closeLocalSession(fullJid, condition, text)) {
            return true;
        }
        ClientRoute route = routingTable.clientRoute(fullJid);
        if (route == null || route.node().equals(localNode)) {
            return false;
        }
        return closeOnNode(route.node(), fullJid, condition, text);
    }

    /**
     * Restores this node's entries in the route caches and in {@value #INFO_CACHE} (after leaving a
     * cluster, when the caches are local and empty again).
     */
    public void restoreLocalSessions() {
        routingTable.restoreLocalRoutes();
        writeLocalInfo();
    }

    /** Writes the session info of every local session into {@value #INFO_CACHE}. */
    public void writeLocalInfo() {
        for (LocalClientSession session : routingTable.localSessions()) {
            if (!session.isClosed()) {
                sessionInfo.put(session.address().toString(), infoOf(session));
            }
        }
    }

    /** The stanzas this node's client sessions sent and were sent (for metrics). */
    public StanzaTraffic traffic() {
        return traffic;
    }

    /**
     * After another member left or crashed: puts back the routes and the {@value #INFO_CACHE} entries of
     * local sessions that went with the partitions that member held (see
     * {@link RoutingTable#reassertLocalRoutes()}). An entry another node holds by now stays.
     *
     * @return how many entries were put back (routes and session infos)
     */
    public int reassertLocalSessions() {
        int restored = routingTable.reassertLocalRoutes();
        for (LocalClientSession session : routingTable.localSessions()) {
            String key = session.address().toString();
            if (!session.isClosed() && sessionInfo.putIfAbsent(key, infoOf(session)) == null) {
                restored++;
            }
        }
        return restored;
    }

    /** Records a local session's new presence in its route and in {@value #INFO_CACHE}. */
    public void presenceChanged(LocalClientSession session, Presence presence) {
        session.setPresence(presence);
        routingTable.updateClientRoute(session);
        String key = session.address().toString();
        String xml = presence.isAvailable() ? presence.toXML() : "";
        for (int attempt = 0; attempt < 3 && !session.isClosed(); attempt++) {
            SessionInfo info = sessionInfo.get(key);
            if (info == null || !isOwn(info, session)) {
                return; // removed, or taken over by a login with the same full JID
            }
            if (sessionInfo.replace(key, info, info.withPresence(xml, session.priority()))) {
                return;
            }
        }
    }

    private boolean isOwn(SessionInfo info, LocalClientSession session) {
        return info.node().equals(localNode) && info.streamId().equals(session.streamId());
    }

    private void removeOwnInfo(LocalClientSession session) {
        String key = session.address().toString();
        SessionInfo info = sessionInfo.get(key);
        if (info != null && isOwn(info, session)) {
            sessionInfo.remove(key, info);
        }
    }

    /** Forgets a local session whose connection closed. */
    public void sessionClosed(LocalClientSession session) {
        session.markClosed();
        if (routingTable.removeClientRoute(session)) {
            removeOwnInfo(session);
        }
    }

    /**
     * Removes every {@value #INFO_CACHE} entry of a node that left or crashed: what the senior member
     * does once for the cluster. Entries another node wrote meanwhile for the same full JIDs stay.
     *
     * @return how many entries were removed
     */
    public int removeSessionInfoOf(NodeID node) {
        int removed = 0;
        for (Map.Entry<String, SessionInfo> entry : sessionInfo.entrySet()) {
            if (entry.getValue().node().equals(node) && sessionInfo.remove(entry.getKey(), entry.getValue())) {
                removed++;
            }
        }
        return removed;
    }

    /** This node's copy of the other nodes' session info. */
    public RemoteSessions remoteSessions() {
        return remoteSessions;
    }

    /** A local session by full JID, or {@code null}. */
    public LocalClientSession getLocalSession(JID fullJid) {
        return routingTable.localSession(fullJid);
    }

    /** A session by full JID, on this node or (through the remote session locator) another, or {@code null}. */
    public ClientSession getSession(JID fullJid) {
        LocalClientSession local = routingTable.localSession(fullJid);
        if (local != null) {
            return local;
        }
        ClientRoute route = routingTable.clientRoute(fullJid);
        RemoteSessionLocator locator = remoteSessionLocator;
        if (route == null || locator == null || route.node().equals(localNode)) {
            return null;
        }
        return locator.getClientSession(route.node(), fullJid);
    }

    /**
     * Every session of the cluster: this node's, and a {@link RemoteClientSession} (read from
     * {@value #INFO_CACHE}, one scan, no round trip) for each of the other nodes'.
     */
    public List<ClientSession> clusterSessions() {
        List<ClientSession> all = new ArrayList<>(routingTable.localSessions());
        if (caches.isClustered()) {
            for (Map.Entry<String, SessionInfo> entry : sessionInfo.entrySet()) {
                if (!entry.getValue().node().equals(localNode)) {
                    all.add(new RemoteClientSession(new JID(entry.getKey(), true), entry.getValue(), routingTable, cluster));
                }
            }
        }
        return all;
    }

    /** The user's sessions on this node. */
    public List<LocalClientSession> getLocalSessions(String bareJid) {
        List<LocalClientSession> sessions = new ArrayList<>();
        for (JID full : routingTable.routesOf(bareJid).keySet()) {
            LocalClientSession local = routingTable.localSession(full);
            if (local != null) {
                sessions.add(local);
            }
        }
        return sessions;
    }

    /**
     * The current presence of each available session of a user, anywhere in the cluster: local
     * sessions' own, other nodes' from {@value #INFO_CACHE} (no round trip).
     */
    public List<Presence> availablePresences(String bareJid) {
        List<Presence> presences = new ArrayList<>();
        for (Map.Entry<JID, ClientRoute> route : routingTable.routesOf(bareJid).entrySet()) {
            if (!route.getValue().available()) {
                continue;
            }
            LocalClientSession local = routingTable.localSession(route.getKey());
            if (local != null) {
                if (local.isAvailable()) {
                    presences.add(local.presence());
                }
                continue;
            }
            SessionInfo info = sessionInfo.get(route.getKey().toString());
            if (info != null && info.isAvailable()) {
                try {
                    Presence presence = (Presence) StanzaParser.parsePacket(info.presenceXml());
                    presence.setFrom(route.getKey());
                    presences.add(presence);
                } catch (RuntimeException e) {
                    LOG.debug("Unreadable presence of {} in {}", route.getKey(), INFO_CACHE, e);
                }
            }
        }
        return presences;
    }

    /** The session info of a full JID (any node), or {@code null}. */
    public SessionInfo getSessionInfo(JID fullJid) {
        return sessionInfo.get(fullJid.toString());
    }

    /**
     * Every session's info as {@value #INFO_CACHE} holds it: this node's sessions, and while the node
     * is in a cluster every other node's too. Sorted by JID (so a page of the admin console's list
     * stays put between requests); a snapshot, not a live view. Entries whose key is not a JID are
     * skipped.
     */
    public java.util.SortedMap<JID, SessionInfo> allSessionInfos() {
        java.util.SortedMap<JID, SessionInfo> all = new java.util.TreeMap<>();
        for (Map.Entry<String, SessionInfo> entry : sessionInfo.entrySet()) {
            try {
                all.put(new JID(entry.getKey()), entry.getValue());
            } catch (IllegalArgumentException e) {
                LOG.debug("Not a JID in {}: {}", INFO_CACHE, entry.getKey(), e);
            }
        }
        return java.util.Collections.unmodifiableSortedMap(all);
    }

    /** The routes of a user's sessions, anywhere in the cluster. */
    public Map<JID, ClientRoute> routesOf(String bareJid) {
        return routingTable.routesOf(bareJid);
    }

    /**
     * How many client sessions are bound: on this node ({@code onlyLocal}), or in the whole cluster,
     * counted by a cluster task on every node. Nodes that do not answer within the cluster task
     * timeout are left out (and logged).
     */
    public int getUserSessionsCount(boolean onlyLocal) {
        if (onlyLocal || !caches.isClustered()) {
            return routingTable.sessionCount(true);
        }
        ClusterTaskResults<Integer> results = cluster.doSynchronousClusterTask(new SessionTasks.CountSessions(), true);
        logPartial("session count", results);
        int total = 0;
        for (Integer count : results.results().values()) {
            total += count == null ? 0 : count;
        }
        return total;
    }

    /**
     * How many different users have a session: on this node ({@code onlyLocal}), or in the whole
     * cluster (a user with sessions on two nodes counts once), by a cluster task on every node that
     * returns its users. Nodes that do not answer in time are left out (and logged).
     */
    public int getUsersCount(boolean onlyLocal) {
        if (onlyLocal || !caches.isClustered()) {
            return localUsers().size();
        }
        ClusterTaskResults<HashSet<String>> results = cluster.doSynchronousClusterTask(new SessionTasks.LocalUsers(), true);
        logPartial("user count", results);
        HashSet<String> all = new HashSet<>();
        for (HashSet<String> users : results.results().values()) {
            if (users != null) {
                all.addAll(users);
            }
        }
        return all.size();
    }

    /** The bare JIDs of the users with a session on this node. */
    HashSet<String> localUsers() {
        HashSet<String> users = new HashSet<>();
        for (LocalClientSession session : routingTable.localSessions()) {
            users.add(session.address().toBareJID());
        }
        return users;
    }

    private static void logPartial(String what, ClusterTaskResults<?> results) {
        if (!results.isComplete()) {
            LOG.warn("The cluster-wide {} is partial: {} did not answer ({})", what, results.failures().keySet(),
                    results.failures().values());
        }
    }

    /**
     * Sends a stanza (a server announcement, usually a message from the domain) to every session of
     * the cluster: this node's at once, the other nodes' through a cluster task that carries the
     * stanza's XML. Each session gets a copy addressed to its full JID. Does not wait for the other nodes.
     *
     * @return how many sessions of this node got it
     */
    public int broadcast(Packet packet) {
        int local = broadcastLocally(packet);
        if (caches.isClustered()) {
            cluster.doClusterTask(new SessionTasks.Broadcast(packet.toXML()));
        }
        return local;
    }

    /** Sends a copy of the stanza to every session of this node; returns how many. */
    int broadcastLocally(Packet packet) {
        int count = 0;
        for (LocalClientSession session : routingTable.localSessions()) {
            if (!session.isClosed()) {
                Packet copy = packet.createCopy();
                copy.setTo(session.address());
                session.deliver(copy);
                count++;
            }
        }
        return count;
    }

    public void setRemoteSessionLocator(RemoteSessionLocator locator) {
        this.remoteSessionLocator = locator;
    }

    public RemoteSessionLocator getRemoteSessionLocator() {
        return remoteSessionLocator;
    }

    /** The XMPP domain this node serves. */
    public String domain() {
        return domain;
    }

    private static String generatedResource() {
        return "skein-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
