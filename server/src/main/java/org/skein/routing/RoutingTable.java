package org.skein.routing;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.function.Consumer;
import org.skein.cache.Cache;
import org.skein.cache.CacheEntryListener;
import org.skein.cache.CacheFactory;
import org.skein.cluster.NodeID;
import org.skein.component.ComponentRegistry;
import org.skein.component.LocalComponent;
import org.skein.session.LocalClientSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.Packet;

/**
 * The node's routes to client sessions. Local sessions are kept here as objects; every route (local
 * or not) is also in two clustered caches, so any node of a cluster can find any session:
 * <ul>
 *   <li>{@value #USERS_CACHE}: full JID → {@link ClientRoute} (node, available, priority);</li>
 *   <li>{@value #SESSIONS_CACHE}: bare JID → the set of that user's full JIDs.</li>
 * </ul>
 * Changes to one user's routes are made under {@code routes.sessions}' lock for the bare JID (a
 * cluster-wide lock while clustered), so the two caches agree and two resources of one user that log
 * in on two nodes at the same moment both keep their route. Reads (the message path) take no lock and
 * never wait for another node: a packet for a route on another node goes to the
 * {@link RemotePacketRouter}.
 *
 * <h2>Who may remove a route</h2>
 * A route belongs to the node it names. A node removes a route only while it still names the node
 * expected: a session on node 2 that was replaced by a login with the same full JID on node 1 does not
 * take node 1's new route with it when it closes. The senior member removes the routes of a node that
 * left or crashed ({@link #removeRoutesOf}); every other change is made by the owning node.
 *
 * <h2>Cluster changes</h2>
 * When the node joins a cluster its local routes were copied into the clustered caches by the cache
 * factory, which overwrites a user's set of full JIDs with this node's; {@link #joinedCluster()}
 * merges the sets again. When it leaves, {@link #restoreLocalRoutes()} writes its routes into the
 * fresh local caches.
 *
 * <p>Thread-safe. Cache values are never changed after they were put (copy on write).
 */
public final class RoutingTable {

    private static final Logger LOG = LoggerFactory.getLogger(RoutingTable.class);

    /** Full JID → {@link ClientRoute}. */
    public static final String USERS_CACHE = "routes.users";
    /** Bare JID → set of full JIDs. */
    public static final String SESSIONS_CACHE = "routes.sessions";

    private final NodeID localNode;
    private final Cache<String, ClientRoute> userRoutes;
    private final Cache<String, HashSet<String>> userSessions;
    private final ConcurrentMap<String, LocalClientSession> localRoutes = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Consumer<Packet>> endpoints = new ConcurrentHashMap<>();
    private final AtomicLong remoteDeliveryFailures = new AtomicLong();
    private final AtomicLong remoteDeliveryRetries = new AtomicLong();
    private volatile RemotePacketRouter remotePacketRouter;
    private volatile ComponentRegistry components;
    private volatile UndeliverableHandler undeliverableHandler = (recipient, packet) ->
            LOG.warn("No handler for a packet that could not be delivered to {}; it is dropped", recipient);

    /**
     * What happens to a packet whose recipient turned out to be unreachable after it had been handed
     * to the remote packet router: the node handles it as if the recipient were offline.
     */
    @FunctionalInterface
    public interface UndeliverableHandler {
        void undeliverable(JID recipient, Packet packet);
    }

    public RoutingTable(NodeID localNode, CacheFactory caches) {
        this.localNode = Objects.requireNonNull(localNode, "localNode");
        this.userRoutes = caches.createCache(USERS_CACHE);
        this.userSessions = caches.createCache(SESSIONS_CACHE);
    }

    /** Adds (or replaces) the route of a local session, not yet available. */
    public void addClientRoute(LocalClientSession session) {
        String full = session.address().toString();
        String bare = session.address().toBareJID();
        localRoutes.put(full, session);
        putRoute(session, Set.of());
    }

    /**
     * Makes a session reachable on this node without writing its route (a session moving in from another
     * node, until it has that node's state: then {@link #addClientRoute}).
     *
     * @return {@code false} if this node holds a session with that full JID already (other than one that moved away)
     */
    public boolean addLocalRouteOnly(LocalClientSession session) {
        String full = session.address().toString();
        LocalClientSession old = localRoutes.putIfAbsent(full, session);
        // a session that moved away from here only passes stanzas on (coming back: the new one takes its place)
        return old == null || (old.hasMoved() && localRoutes.replace(full, old, session));
    }

    /** Undoes {@link #addLocalRouteOnly} (if the session is still the one this node holds for its full JID). */
    public void removeLocalRouteOnly(LocalClientSession session) {
        localRoutes.remove(session.address().toString(), session);
    }

    /** Puts a local session's route and adds its full JID (and {@code others}) to the user's set, under the user's lock. */
    private void putRoute(LocalClientSession session, Set<String> others) {
        String full = session.address().toString();
        String bare = session.address().toBareJID();
        Lock lock = userSessions.getLock(bare);
        lock.lock();
        try {
            userRoutes.put(full, routeOf(session));
            HashSet<String> sessions = userSessions.getLatest(bare);
            if (sessions == null || !sessions.contains(full) || !sessions.containsAll(others)) {
                HashSet<String> copy = sessions == null ? new HashSet<>() : new HashSet<>(sessions);
                copy.add(full);
                copy.addAll(others);
                userSessions.put(bare, copy);
            }
        } finally {
            lock.unlock();
        }
    }

    private ClientRoute routeOf(LocalClientSession session) {
        return new ClientRoute(localNode, session.isAvailable(), session.priority(), session.isCarbonsEnabled());
    }

    /**
     * Records a local session's new availability, priority and carbons flag, if the route is still this node's (a
     * login with the same full JID on another node may have taken it).
     */
    public void updateClientRoute(LocalClientSession session) {
        String full = session.address().toString();
        if (localRoutes.get(full) != session) {
            return; // replaced or removed meanwhile
        }
        ClientRoute updated = routeOf(session);
        for (int attempt = 0; attempt < 3; attempt++) {
            ClientRoute current = userRoutes.getLatest(full);
            if (current == null || !current.node().equals(localNode)) {
                return; // removed, or taken over by another node
            }
            if (current.equals(updated) || userRoutes.replace(full, current, updated)) {
                return;
            }
        }
        LOG.debug("The route of {} kept changing; its availability was not updated", full);
    }

    /**
     * Removes a local session's route, if the route is still that session's (a session replaced by a
     * newer one with the same full JID leaves the newer route alone).
     *
     * @return whether a route was removed
     */
    public boolean removeClientRoute(LocalClientSession session) {
        String full = session.address().toString();
        if (!localRoutes.remove(full, session)) {
            return false;
        }
        removeRoute(full, session.address().toBareJID(), localNode);
        return true;
    }

    /**
     * Removes a route if it still names {@code owner} (or is gone already, leaving its full JID in the
     * user's set), under the user's lock.
     *
     * @return whether the route was removed
     */
    private boolean removeRoute(String full, String bare, NodeID owner) {
        Lock lock = userSessions.getLock(bare);
        lock.lock();
        try {
            ClientRoute current = userRoutes.getLatest(full);
            while (current != null) {
                if (!current.node().equals(owner)) {
                    return false; // another node holds this full JID now: its route stays
                }
                if (userRoutes.remove(full, current)) {
                    break;
                }
                current = userRoutes.getLatest(full);
            }
            removeFromUser(full, bare);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Removes a full JID from the user's set; the caller holds the user's lock. */
    private void removeFromUser(String full, String bare) {
        HashSet<String> sessions = userSessions.getLatest(bare);
        if (sessions != null && sessions.contains(full)) {
            if (sessions.size() == 1) {
                userSessions.remove(bare);
            } else {
                HashSet<String> copy = new HashSet<>(sessions);
                copy.remove(full);
                userSessions.put(bare, copy);
            }
        }
    }

    /**
     * Writes the routes of every local session into the route caches again: after the node left a
     * cluster its caches are fresh and empty, and only this node knows its own sessions.
     */
    public void restoreLocalRoutes() {
        for (LocalClientSession session : localRoutes.values()) {
            putRoute(session, Set.of());
        }
    }

    /**
     * After another member left or crashed: puts back this node's routes that the clustered caches no
     * longer hold. When several members go at once (a crash of two, or the small side of a split brain),
     * the partitions whose every copy was on them are gone with their entries, this node's among them;
     * without this, a local user's bare JID has no route and messages to it go to offline storage
     * although the user is online. A route that another node holds by now (a newer login with the same
     * full JID) is left alone. Two reads per local session; writes only for what was lost.
     *
     * @return how many local sessions had lost their route or their place in the user's set
     */
    public int reassertLocalRoutes() {
        int restored = 0;
        for (LocalClientSession session : localRoutes.values()) {
            if (session.isClosed()) {
                continue;
            }
            String full = session.address().toString();
            ClientRoute route = userRoutes.getLatest(full);
            if (route != null && !route.node().equals(localNode)) {
                continue;
            }
            HashSet<String> sessions = route == null ? null : userSessions.getLatest(session.address().toBareJID());
            if (route == null || sessions == null || !sessions.contains(full)) {
                putRoute(session, Set.of());
                restored++;
            }
        }
        return restored;
    }

    /**
     * After this node joined a cluster: the cache factory copied this node's routes into the clustered
     * caches, and in doing so replaced the cluster's set of full JIDs of every user who has a session
     * here with this node's set. This puts the other nodes' full JIDs of those users back (found by
     * one scan of {@value #USERS_CACHE}) and this node's routes again, under each user's lock.
     */
    public void joinedCluster() {
        Set<String> localUsers = new HashSet<>();
        for (LocalClientSession session : localRoutes.values()) {
            localUsers.add(session.address().toBareJID());
        }
        Map<String, Set<String>> remoteByUser = new HashMap<>();
        if (!localUsers.isEmpty()) {
            for (Map.Entry<String, ClientRoute> route : userRoutes.entrySet()) {
                if (route.getValue().node().equals(localNode)) {
                    continue;
                }
                String bare = bareOf(route.getKey());
                if (localUsers.contains(bare)) {
                    remoteByUser.computeIfAbsent(bare, b -> new HashSet<>()).add(route.getKey());
                }
            }
        }
        for (LocalClientSession session : localRoutes.values()) {
            putRoute(session, remoteByUser.getOrDefault(session.address().toBareJID(), Set.of()));
        }
    }

    /**
     * Removes every route of a node that left the cluster or crashed, from both route caches: what the
     * senior member does once for the cluster. A route that names another node by now (a new login)
     * stays. Also drops full JIDs that have no route any more from the users' sets.
     *
     * @return how many routes were removed
     */
    public int removeRoutesOf(NodeID node) {
        if (node.equals(localNode)) {
            throw new IllegalArgumentException("this node's own routes are removed by its sessions");
        }
        int removed = 0;
        Set<String> routed = new HashSet<>();
        for (Map.Entry<String, ClientRoute> route : userRoutes.entrySet()) {
            if (route.getValue().node().equals(node)) {
                if (removeRoute(route.getKey(), bareOf(route.getKey()), node)) {
                    removed++;
                }
            } else {
                routed.add(route.getKey());
            }
        }
        // full JIDs left in a user's set without a route (the node died between the two writes)
        for (Map.Entry<String, HashSet<String>> user : userSessions.entrySet()) {
            for (String full : user.getValue()) {
                if (!routed.contains(full) && !localRoutes.containsKey(full)) {
                    Lock lock = userSessions.getLock(user.getKey());
                    lock.lock();
                    try {
                        if (userRoutes.getLatest(full) == null) {
                            removeFromUser(full, user.getKey());
                        }
                    } finally {
                        lock.unlock();
                    }
                }
            }
        }
        return removed;
    }

    private static String bareOf(String fullJid) {
        int slash = fullJid.indexOf('/');
        return slash < 0 ? fullJid : fullJid.substring(0, slash);
    }

    /**
     * Adds a node-local endpoint: a full JID of the server's own domain ({@code example.org/name}) that
     * is not a session but a service of this node, which other nodes reach through the remote packet
     * router (every node registers the same endpoints). A packet routed to it here is handed to the
     * handler on the routing thread; the handler must be quick and must check the packet's {@code from}
     * (client stanzas to the server's own domain never get here: the routers answer those themselves,
     * but an IQ result or error could).
     *
     * @return removes the endpoint when run
     * @throws IllegalStateException if the address has an endpoint already
     */
    public Runnable addLocalEndpoint(JID address, Consumer<Packet> handler) {
        String full = address.toString();
        if (address.getResource() == null || address.getNode() != null) {
            throw new IllegalArgumentException("an endpoint is a domain with a resource, not " + full);
        }
        if (endpoints.putIfAbsent(full, Objects.requireNonNull(handler, "handler")) != null) {
            throw new IllegalStateException("an endpoint exists already at " + full);
        }
        return () -> endpoints.remove(full, handler);
    }

    /** The local session with this full JID, or {@code null}. */
    public LocalClientSession localSession(JID fullJid) {
        return localRoutes.get(fullJid.toString());
    }

    /** The session on this node with this full JID, as its address is written ({@code JID.toString()}), or {@code null}. */
    public LocalClientSession localSession(String fullJid) {
        return localRoutes.get(fullJid);
    }

    /** Every local session. */
    public Collection<LocalClientSession> localSessions() {
        return Collections.unmodifiableCollection(localRoutes.values());
    }

    /** The route of a full JID, local or remote, or {@code null}. */
    public ClientRoute clientRoute(JID fullJid) {
        return userRoutes.get(fullJid.toString());
    }

    /** Whether a session with this full JID exists anywhere in the cluster. */
    public boolean hasClientRoute(JID fullJid) {
        return localRoutes.containsKey(fullJid.toString()) || userRoutes.containsKey(fullJid.toString());
    }

    /** A full JID's route as the cluster holds it now (read from the key's owner, not a near cache), or {@code null}. */
    public ClientRoute latestRoute(JID fullJid) {
        return userRoutes.getLatest(fullJid.toString());
    }

    /** Hears the routes other nodes write and remove (keys: full JIDs; values are not sent). */
    public void addRouteListener(CacheEntryListener<String, ClientRoute> listener) {
        userRoutes.addCacheEntryListener(listener, false, false);
    }

    /** The full JIDs of a user's sessions (anywhere in the cluster) with their routes, in no order. */
    public Map<JID, ClientRoute> routesOf(String bareJid) {
        Set<String> sessions = userSessions.get(bareJid);
        if (sessions == null || sessions.isEmpty()) {
            return Map.of();
        }
        Map<JID, ClientRoute> routes = new LinkedHashMap<>();
        for (String full : sessions) {
            ClientRoute route = userRoutes.get(full);
            if (route != null) {
                routes.put(new JID(full, true), route);
            }
        }
        return routes;
    }

    /** How many sessions the cluster holds ({@code onlyLocal}: this node). */
    public int sessionCount(boolean onlyLocal) {
        return onlyLocal ? localRoutes.size() : userRoutes.size();
    }

    /**
     * Delivers a packet to the session with this full JID: locally, or through the remote packet
     * router when the route is on another node; a packet for a component's address goes to the
     * component on this node (see {@link #setComponents}). Does not wait for the network.
     *
     * @return whether a session was found (locally, or a route on a node the remote router reaches)
     */
    public boolean routeToFullJid(JID recipient, Packet packet) {
        String full = recipient.toString();
        LocalClientSession local = localRoutes.get(full);
        if (local != null) {
            local.deliver(packet);
            return true;
        }
        ComponentRegistry registry = components;
        if (registry != null) {
            java.util.Optional<LocalComponent> component = registry.forAddress(recipient);
            if (component.isPresent()) {
                return toComponent(component.get(), packet);
            }
        }
        ClientRoute route = userRoutes.get(full);
        if (route == null) {
            Consumer<Packet> endpoint = endpoints.get(full);
            if (endpoint != null) {
                endpoint.accept(packet);
                return true;
            }
            return false;
        }
        if (route.node().equals(localNode)) {
            return false;
        }
        RemotePacketRouter router = remotePacketRouter;
        if (router == null) {
            return false;
        }
        if (router.routePacket(route.node(), recipient, packet)) {
            return true;
        }
        LOG.info("Dropping the route of {}: node {} is not reachable", full, route.node());
        removeRoute(full, recipient.toBareJID(), route.node());
        return false;
    }

    /**
     * Delivers a message or IQ that is already XML to the session with this full JID if that session
     * is on this node, without parsing it (see {@link LocalClientSession#deliverXml}). For the remote
     * packet router's receiving end: the sending node serialized the stanza already.
     *
     * @return {@code false} if no session with this JID is on this node: the caller parses the stanza
     *     and handles it as a packet (another route, or undeliverable)
     */
    public boolean deliverXmlToLocal(String fullJid, String xml) {
        LocalClientSession local = localRoutes.get(fullJid);
        if (local == null) {
            return false;
        }
        local.deliverXml(xml);
        return true;
    }

    /**
     * Delivers a packet (its {@code to} left as it is) to every available session of a user.
     *
     * @return how many sessions it went to
     */
    public int routeToAvailable(String bareJid, Packet packet) {
        int count = 0;
        for (Map.Entry<JID, ClientRoute> route : routesOf(bareJid).entrySet()) {
            if (route.getValue().available() && routeToFullJid(route.getKey(), packet)) {
                count++;
            }
        }
        return count;
    }

    /**
     * Delivers one packet to several sessions (full JIDs), each copy addressed as {@code addressing}
     * says: sessions of this node get theirs here, and the sessions on each other node get theirs in
     * one crossing ({@link RemotePacketRouter#routePacket(NodeID, java.util.List, Addressing, Packet)}),
     * in order with the other packets routed to that node. A recipient that is neither (a component's or
     * an endpoint's address, or no route) goes through {@link #routeToFullJid}. Used for a message to a
     * user's bare JID that goes to several of its resources, and for message carbons. Does not wait for
     * the network.
     *
     * @param recipients full JIDs, each at most once
     * @param packet the packet; with {@link Addressing#AS_IS} local sessions get this very packet (as
     *        {@link #routeToFullJid} gives it), otherwise each gets a copy with its {@code to} set
     * @return the recipients it went to (found locally, or on a node the remote router reaches), in the
     *         order given
     */
    public java.util.List<JID> routeToFullJids(java.util.List<JID> recipients, Addressing addressing, Packet packet) {
        Objects.requireNonNull(addressing, "addressing");
        if (recipients.size() == 1) {
            JID only = recipients.get(0);
            return routeToFullJid(only, addressing.address(packet, only)) ? java.util.List.of(only) : java.util.List.of();
        }
        Set<JID> went = new HashSet<>();
        Map<NodeID, java.util.List<JID>> remote = new LinkedHashMap<>();
        RemotePacketRouter router = remotePacketRouter;
        for (JID recipient : recipients) {
            String full = recipient.toString();
            LocalClientSession local = localRoutes.get(full);
            if (local != null) {
                local.deliver(addressing.address(packet, recipient));
                went.add(recipient);
                continue;
            }
            ClientRoute route = userRoutes.get(full);
            if (router != null && route != null && !route.node().equals(localNode)
                    && (components == null || components.forAddress(recipient).isEmpty())) {
                remote.computeIfAbsent(route.node(), n -> new java.util.ArrayList<>()).add(recipient);
            } else if (routeToFullJid(recipient, addressing.address(packet, recipient))) {
                went.add(recipient);
            }
        }
        for (Map.Entry<NodeID, java.util.List<JID>> node : remote.entrySet()) {
            java.util.List<JID> there = node.getValue();
            boolean accepted = there.size() == 1
                    ? router.routePacket(node.getKey(), there.get(0), addressing.address(packet, there.get(0)))
                    : router.routePacket(node.getKey(), there, addressing, packet);
            if (accepted) {
                went.addAll(there);
            } else {
                LOG.info("Dropping {} route(s) on node {}: it is not reachable", there.size(), node.getKey());
                for (JID full : there) {
                    removeRoute(full.toString(), full.toBareJID(), node.getKey());
                }
            }
        }
        java.util.List<JID> result = new java.util.ArrayList<>(went.size());
        for (JID recipient : recipients) {
            if (went.contains(recipient)) {
                result.add(recipient);
            }
        }
        return result;
    }

    /**
     * Delivers a packet to every available session of several users, each copy addressed to the user's
     * bare JID (a user's presence broadcast to its contacts): local sessions get theirs here, and the
     * sessions on each other node get theirs in one crossing ({@link RemotePacketRouter#routePacket(NodeID,
     * java.util.List, Addressing, Packet)}), in order with the other packets routed to that node.
     *
     * @param bareJids the users
     * @param packet the packet (not changed; its {@code to} is set on each copy)
     * @return how many sessions it went to
     */
    public int routeToAvailableOf(Collection<String> bareJids, Packet packet) {
        int count = 0;
        Map<NodeID, java.util.List<JID>> remote = new LinkedHashMap<>();
        for (String bare : bareJids) {
            for (Map.Entry<JID, ClientRoute> route : routesOf(bare).entrySet()) {
                if (!route.getValue().available()) {
                    continue;
                }
                JID full = route.getKey();
                LocalClientSession local = localRoutes.get(full.toString());
                if (local != null) {
                    local.deliver(Addressing.TO_BARE.address(packet, full));
                    count++;
                } else if (!route.getValue().node().equals(localNode)) {
                    remote.computeIfAbsent(route.getValue().node(), n -> new java.util.ArrayList<>()).add(full);
                }
            }
        }
        RemotePacketRouter router = remotePacketRouter;
        for (Map.Entry<NodeID, java.util.List<JID>> node : remote.entrySet()) {
            if (router != null && router.routePacket(node.getKey(), node.getValue(), Addressing.TO_BARE, packet)) {
                count += node.getValue().size();
            } else {
                LOG.info("Dropping {} route(s) on node {}: it is not reachable", node.getValue().size(), node.getKey());
                for (JID full : node.getValue()) {
                    removeRoute(full.toString(), full.toBareJID(), node.getKey());
                }
            }
        }
        return count;
    }

    /**
     * Called by a {@link RemotePacketRouter} for a packet it had accepted but could not deliver (the
     * destination node died, left, or stopped answering): drops the route if it still points at that
     * node, then hands the packet to the undeliverable handler, which treats the recipient as offline
     * (a message goes to the user's other resources or to offline storage, an IQ request gets an error,
     * a presence is dropped). Never drops a packet in silence.
     */
    public void remoteDeliveryFailed(NodeID node, JID recipient, Packet packet) {
        remoteDeliveryFailures.incrementAndGet();
        String full = recipient.toString();
        ClientRoute route = userRoutes.get(full);
        if (route != null && route.node().equals(node)) {
            removeRoute(full, recipient.toBareJID(), node);
        }
        undeliverableHandler.undeliverable(recipient, packet);
    }

    /**
     * Called by a {@link RemotePacketRouter} for a packet whose crossing failed while the destination node
     * is still a member of the cluster (it answered the batch too late and dropped it, did not answer in
     * time, or its queue stayed full): as far as the cluster knows the session is alive, so its route stays
     * (removing it would hide an online user from every node until the user logs in again). A message or a
     * presence is routed to the session again; an IQ request gets an error (its sender may ask again); if
     * the route is gone meanwhile, the packet is handled as for an offline recipient. The router paces these
     * retries.
     */
    public void remoteDeliveryRetry(JID recipient, Packet packet) {
        remoteDeliveryRetries.incrementAndGet();
        if (packet instanceof IQ || !routeToFullJid(recipient, packet)) {
            undeliverableHandler.undeliverable(recipient, packet);
        }
    }

    /** How many packets the remote packet router gave back for another try since the node started. */
    public long remoteDeliveryRetries() {
        return remoteDeliveryRetries.get();
    }

    /**
     * Hands a packet that reached a session which then ended without its client acknowledging it (stream
     * management, XEP-0198) to the undeliverable handler: handled as for a recipient that is offline.
     * Call it after the session's route is gone, so that a message goes to the user's other resources or
     * to offline storage.
     */
    public void undeliverable(JID recipient, Packet packet) {
        undeliverableHandler.undeliverable(recipient, packet);
    }

    /** How many packets the remote packet router handed back as undeliverable since the node started. */
    public long remoteDeliveryFailures() {
        return remoteDeliveryFailures.get();
    }

    /** Sets what happens to packets the remote packet router could not deliver (the node sets it). */
    public void setUndeliverableHandler(UndeliverableHandler handler) {
        this.undeliverableHandler = Objects.requireNonNull(handler, "handler");
    }

    /**
     * Sets the node's components: a packet for a component's address that reaches the routing table (a
     * component on another node sent it to this node's component through the remote packet router) is
     * handed to this node's component. Clients' stanzas to components never come this way: the routers
     * hand those to the component before they look for a route.
     */
    public void setComponents(ComponentRegistry registry) {
        this.components = registry;
    }

    private static boolean toComponent(LocalComponent component, Packet packet) {
        try {
            component.process(packet);
        } catch (RuntimeException e) {
            LOG.warn("Component {} failed on a stanza from another node", component.domain(), e);
        }
        return true;
    }

    /** Sets (or clears, with {@code null}) the router for routes on other nodes. */
    public void setRemotePacketRouter(RemotePacketRouter router) {
        this.remotePacketRouter = router;
    }

    public RemotePacketRouter getRemotePacketRouter() {
        return remotePacketRouter;
    }

    /** This node's id. */
    public NodeID localNode() {
        return localNode;
    }
}
