package org.skein.session;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.skein.cache.Cache;
import org.skein.cache.CacheFactory;
import org.skein.cluster.NodeID;
import org.skein.routing.ClientRoute;
import org.skein.routing.RoutingTable;
import org.skein.xmpp.stream.StanzaParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.JID;
import org.xmpp.packet.Presence;
import org.xmpp.packet.StreamError;

/**
 * The node's client sessions: binds resources (RFC 6120 section 7), replaces a session whose full JID
 * is taken by a new login, and keeps the clustered {@value #INFO_CACHE} cache (full JID →
 * {@link SessionInfo}) up to date for the sessions this node holds, so other nodes can read a
 * session's presence without a round trip. Routes are kept by the {@link RoutingTable}.
 *
 * <p>Thread-safe.
 */
public final class SessionManager {

    private static final Logger LOG = LoggerFactory.getLogger(SessionManager.class);

    /** Full JID → {@link SessionInfo}, written by the node that holds the session. */
    public static final String INFO_CACHE = "sessions.info";

    /** Told when a session is replaced by a new login with the same full JID, before the new one is bound. */
    public interface ReplacedSessionHandler {
        void sessionReplaced(LocalClientSession old);
    }

    private final NodeID localNode;
    private final String domain;
    private final RoutingTable routingTable;
    private final Cache<String, SessionInfo> sessionInfo;
    private final Clock clock;
    private volatile RemoteSessionLocator remoteSessionLocator;
    private volatile ReplacedSessionHandler replacedSessionHandler = old -> { };

    public SessionManager(NodeID localNode, String domain, RoutingTable routingTable, CacheFactory caches, Clock clock) {
        this.localNode = Objects.requireNonNull(localNode, "localNode");
        this.domain = Objects.requireNonNull(domain, "domain");
        this.routingTable = Objects.requireNonNull(routingTable, "routingTable");
        this.sessionInfo = caches.createCache(INFO_CACHE);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Sets what happens to a replaced session's presence (the presence logic sends unavailable for it). */
    public void setReplacedSessionHandler(ReplacedSessionHandler handler) {
        this.replacedSessionHandler = Objects.requireNonNull(handler, "handler");
    }

    /**
     * Binds a resource for an authenticated user: the requested one, or a generated one. A session
     * that holds the same full JID is closed with a {@code conflict} stream error first.
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
        if (old != null) {
            LOG.info("{} logs in again from {}: replacing {}", address, connection.remoteAddress(), old);
            replacedSessionHandler.sessionReplaced(old);
            old.closeWithError(StreamError.Condition.conflict, "Replaced by a new connection with the same resource");
            if (routingTable.removeClientRoute(old)) {
                sessionInfo.remove(address.toString());
            }
        } else {
            ClientRoute remote = routingTable.clientRoute(address);
            RemoteSessionLocator locator = remoteSessionLocator;
            if (remote != null && !remote.node().equals(localNode) && locator != null) {
                ClientSession other = locator.getClientSession(remote.node(), address);
                if (other != null) {
                    other.close(StreamError.Condition.conflict, "Replaced by a new connection with the same resource");
                }
            }
        }
        LocalClientSession session = new LocalClientSession(connection, address, localNode, streamId, clock.instant());
        routingTable.addClientRoute(session);
        sessionInfo.put(address.toString(), new SessionInfo(localNode, "", 0, session.creationTime().toEpochMilli(),
                String.valueOf(connection.remoteAddress()), streamId));
        return session;
    }

    /**
     * Restores this node's entries in the route caches and in {@value #INFO_CACHE} (after leaving a
     * cluster, when the caches are local and empty again).
     */
    public void restoreLocalSessions() {
        routingTable.restoreLocalRoutes();
        for (LocalClientSession session : routingTable.localSessions()) {
            sessionInfo.put(session.address().toString(), new SessionInfo(localNode,
                    session.isAvailable() ? session.presence().toXML() : "", session.priority(),
                    session.creationTime().toEpochMilli(), String.valueOf(session.connection().remoteAddress()), session.streamId()));
        }
    }

    /** Records a local session's new presence in its route and in {@value #INFO_CACHE}. */
    public void presenceChanged(LocalClientSession session, Presence presence) {
        session.setPresence(presence);
        routingTable.updateClientRoute(session);
        String key = session.address().toString();
        SessionInfo info = sessionInfo.get(key);
        if (info != null && !session.isClosed()) {
            sessionInfo.put(key, info.withPresence(presence.toXML(), session.priority()));
        }
    }

    /** Forgets a local session whose connection closed. */
    public void sessionClosed(LocalClientSession session) {
        session.markClosed();
        if (routingTable.removeClientRoute(session)) {
            sessionInfo.remove(session.address().toString());
        }
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
            if (info != null && !info.presenceXml().isEmpty()) {
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

    /** How many client sessions are bound ({@code onlyLocal}: on this node; else in the cluster). */
    public int getUserSessionsCount(boolean onlyLocal) {
        return routingTable.sessionCount(onlyLocal);
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
