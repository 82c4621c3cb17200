package org.skein.muc;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import org.skein.cluster.NodeID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.JID;
import org.xmpp.packet.Packet;
import org.xmpp.packet.PacketError;

/**
 * The rooms of one service on this node: finds each room's home and hands its stanzas to the room's
 * actor here or to the home elsewhere; keeps the actors of the rooms this node runs; reads and writes
 * room records; and is the service's {@link MucService} for plugins and the admin console.
 * Thread-safe.
 */
final class Rooms implements MucService {

    private static final Logger LOG = LoggerFactory.getLogger(Rooms.class);
    /** How often a stanza may be passed on between nodes looking for its room's home. */
    static final int MAX_HOPS = 3;

    private final MucNode node;
    private final String domain;
    private final JID serviceJid;
    private final ConcurrentMap<String, Room> active = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private volatile NodeLink link;
    private volatile MucCluster cluster = MucCluster.NONE;

    Rooms(MucNode node, String domain) {
        this.node = node;
        this.domain = domain;
        this.serviceJid = new JID(null, domain, null, true);
    }

    /** Connects the service to the other nodes (when the node joins a cluster), or disconnects it ({@code null}s). */
    void connect(NodeLink newLink, MucCluster newCluster) {
        this.link = newLink;
        this.cluster = newCluster == null ? MucCluster.NONE : newCluster;
    }

    NodeLink link() {
        return link;
    }

    @Override
    public String domain() {
        return domain;
    }

    JID serviceJid() {
        return serviceJid;
    }

    // --- stanzas ---

    /** A stanza for a room (or an occupant), from a session on {@code origin}: to the room's home. */
    void dispatch(Packet packet, NodeID origin) {
        dispatch(packet, origin, 0);
    }

    void dispatch(Packet packet, NodeID origin, int hops) {
        String room = packet.getTo().toBareJID();
        NodeID home = home(room, hops > 0); // a stanza passed on already: the home as the cluster has it now
        if (home.equals(node.localNode)) {
            local(room).receive(packet, origin);
            return;
        }
        NodeLink current = link;
        boolean sent = hops < MAX_HOPS && current != null
                && (current instanceof RouterLink router ? router.toHome(home, packet, origin, hops) : current.toHome(home, packet, origin));
        if (sent) {
            return;
        }
        LOG.warn("Room {}: its home {} cannot be reached; a {} from {} is refused", room, home, packet.getElement().getName(),
                packet.getFrom());
        bounce(packet, origin);
    }

    /**
     * The room's home: the recorded one while it is a member; else the rendezvous winner among the
     * members, recorded with a compare-and-set (so every node agrees on it).
     */
    NodeID home(String room) {
        return home(room, false);
    }

    /**
     * @param latest read the home from the member that owns the entry, not from this node's near cache
     *     (which may lag behind a change: a take-over, a merge)
     */
    NodeID home(String room, boolean latest) {
        Homes homes = node.homes;
        NodeID home = latest ? homes.latest(room) : homes.recorded(room);
        if (home != null && homes.isMember(home)) {
            return home;
        }
        NodeID candidate = homes.candidate(room);
        for (int attempt = 0; attempt < 3; attempt++) {
            if (attempt > 0) {
                home = homes.latest(room); // what the owning member has now, not the near cache's copy
            }
            if (home == null) {
                home = homes.claimFor(room, candidate);
            } else if (!homes.isMember(home)) {
                // the recorded home is gone: the candidate among the members takes the room over (compare-and-set)
                if (homes.replaceWith(room, home, candidate)) {
                    home = candidate;
                }
            }
            if (home != null && homes.isMember(home)) {
                return home;
            }
        }
        LOG.warn("Room {}: no live home could be recorded (last seen {}); {} takes it", room, home, candidate);
        return candidate;
    }

    private NodeID claimFor(String room, NodeID candidate) {
        return node.homes.claimFor(room, candidate);
    }

    /** The actor of a room this node runs (created if needed). */
    Room local(String room) {
        return active.computeIfAbsent(room, j -> new Room(this, j));
    }

    /** Whether this node is a room's home, as the cluster has it now (read when a room starts running here, never per stanza). */
    boolean isHomeHere(String room) {
        return !node.homes.clustered() || home(room, true).equals(node.localNode);
    }

    /** The actor of a room, if this node runs it now. */
    Optional<Room> running(String room) {
        return Optional.ofNullable(active.get(room));
    }

    Collection<Room> runningRooms() {
        return List.copyOf(active.values());
    }

    private void bounce(Packet packet, NodeID origin) {
        RoomOutput out = new RoomOutput();
        RoomOutput.Recipient sender = new RoomOutput.Recipient(packet.getFrom(), origin);
        if (packet instanceof org.xmpp.packet.Presence p && p.getType() == null) {
            out.send(MucXml.presenceError(p, PacketError.Condition.service_unavailable), sender);
        } else if (packet instanceof org.xmpp.packet.Message m && m.getType() != org.xmpp.packet.Message.Type.error) {
            out.send(MucXml.messageError(m, PacketError.Condition.service_unavailable), sender);
        } else if (packet instanceof org.xmpp.packet.IQ iq && MucXml.isRequest(iq)) {
            out.send(MucXml.iqError(iq, PacketError.Condition.service_unavailable), sender);
        }
        for (RoomOutput.Send send : out.sends()) {
            node.fanout.deliverLocal(send.stanza(), packet.getFrom());
        }
    }

    // --- what rooms use ---

    Executor executor() {
        return node.executor;
    }

    Clock clock() {
        return node.clock;
    }

    Fanout fanout() {
        return node.fanout;
    }

    MucNode node() {
        return node;
    }

    MucCluster cluster() {
        return cluster;
    }

    boolean mayCreateRooms(JID user) {
        return node.settings.usersCreateRooms();
    }

    RoomRecord newRecord(String room, String ownerBare, boolean locked) {
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        RoomConfig config = RoomConfig.defaults().toBuilder().historyLength(node.settings.historyLength()).build();
        Map<String, Affiliation> affiliations = ownerBare == null ? Map.of() : Map.of(ownerBare, Affiliation.OWNER);
        return new RoomRecord(room, config, affiliations, Base64.getUrlEncoder().withoutPadding().encodeToString(salt),
                node.clock.millis(), locked, null);
    }

    /** A room's record: the clustered cache (a room that exists now), else the database (a persistent room at rest). */
    RoomRecord loadRecord(String room) {
        RoomRecord record = node.records.get(room);
        if (record != null) {
            return record;
        }
        return node.store.load(room).orElse(null);
    }

    /** Writes a changed record: to the clustered cache, and to the database while the room is persistent. */
    void saveRecord(RoomRecord previous, RoomRecord updated) {
        node.records.put(updated.room(), updated);
        if (updated.config().persistent() && !updated.locked()) {
            node.store.save(updated);
        } else if (previous != null && previous.config().persistent() && !previous.locked()) {
            node.store.delete(updated.room());
        }
    }

    /** The room no longer exists (destroyed, or a temporary room emptied): forgotten everywhere. */
    void forget(Room room, RoomRecord record) {
        node.records.remove(room.jid);
        if (record != null && record.config().persistent()) {
            node.store.delete(room.jid);
        }
        node.homes.release(room.jid);
    }

    /** A persistent room at rest: no longer in memory or in the cache, its home given up. */
    void rest(Room room) {
        node.records.remove(room.jid);
        node.homes.release(room.jid);
    }

    /** An actor closed: later stanzas for its room get a new one. */
    void closed(Room room) {
        active.remove(room.jid, room);
    }

    // --- MucService ---

    String roomJid(String name) {
        String prepped;
        try {
            prepped = JID.nodeprep(name == null ? "" : name.trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a room name: '" + name + "'", e);
        }
        if (prepped == null || prepped.isEmpty()) {
            throw new IllegalArgumentException("not a room name: '" + name + "'");
        }
        return prepped + "@" + domain;
    }

    /**
     * Runs a call on a room's actor on its home and completes with its result: here when this node is
     * the home, else on the home through the cluster.
     */
    <T> CompletableFuture<T> call(String name, RoomCall<T> call) {
        String room;
        try {
            room = roomJid(name);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        NodeID home = home(room);
        if (!home.equals(node.localNode)) {
            return cluster.callHome(home, domain, room, call);
        }
        return callHere(room, call);
    }

    /** Runs a call on the actor of a room this node is home of. */
    <T> CompletableFuture<T> callHere(String room, RoomCall<T> call) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Room actor = local(room);
        actor.submit(out -> {
            try {
                result.complete(call.apply(this, actor, out));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        }, () -> callHere(room, call).whenComplete((v, e) -> {
            if (e == null) {
                result.complete(v);
            } else {
                result.completeExceptionally(e);
            }
        }));
        return result;
    }

    @Override
    public CompletableFuture<RoomDetails> createRoom(String name, RoomConfig config, String ownerBareJid) {
        try {
            return call(name, new RoomCall.Create(config, new JID(ownerBareJid).toBareJID()));
        } catch (IllegalArgumentException | NullPointerException e) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("not a JID: '" + ownerBareJid + "'", e));
        }
    }

    @Override
    public CompletableFuture<RoomDetails> configureRoom(String name, RoomConfig config) {
        return call(name, new RoomCall.Configure(config));
    }

    @Override
    public CompletableFuture<RoomDetails> setAffiliation(String name, String bareJid, Affiliation affiliation) {
        try {
            return call(name, new RoomCall.SetAffiliation(new JID(bareJid).toBareJID(), affiliation));
        } catch (IllegalArgumentException | NullPointerException e) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("not a JID: '" + bareJid + "'", e));
        }
    }

    @Override
    public CompletableFuture<RoomDetails> setSubject(String name, String subject) {
        return call(name, new RoomCall.SetSubject(subject));
    }

    @Override
    public CompletableFuture<Boolean> destroyRoom(String name, String reason, String alternateRoom) {
        return call(name, new RoomCall.Destroy(reason, alternateRoom));
    }

    @Override
    public CompletableFuture<Optional<RoomDetails>> room(String name) {
        return call(name, new RoomCall.Details()).thenApply(Optional::ofNullable);
    }

    // --- the cluster ---

    /** This node's view of a room: the room itself if it runs here, else this node's copy; {@code null} if none. */
    RoomView view(String room) {
        Room actor = active.get(room);
        if (actor != null) {
            try {
                return callHere(room, (rooms, r, out) -> r.exists() ? r.snapshot(r.seq) : null).get(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("Room {} did not give its view in time", room);
                return null;
            }
        }
        return node.replicas.view(room).orElse(null);
    }

    /** Another node re-asserts its sessions of a room (after a merge): the room here adds what it did not know. */
    void merge(RoomView view) {
        NodeID home = home(view.room(), true);
        if (home.equals(node.localNode)) {
            Room actor = local(view.room());
            actor.submit(out -> actor.rebuild.merge(view, out), () -> merge(view));
        } else {
            cluster.pushView(home, domain, view);
        }
    }

    /**
     * After this node joined a cluster (or a merge): rooms it runs whose home is now another node are
     * handed over (this node's sessions re-asserted there); rooms it keeps copies of are re-asserted to
     * their homes, or start running here if this node is their home.
     */
    void reconcile() {
        for (Room room : runningRooms()) {
            NodeID home = home(room.jid, true);
            if (!home.equals(node.localNode)) {
                room.submit(out -> {
                    RoomView mine = room.exists() ? room.snapshot(room.seq) : null;
                    room.close();
                    if (mine != null) {
                        LOG.info("Room {} runs on node {} now; this node hands its occupants over", room.jid, home);
                        cluster.pushView(home, domain, mine);
                    }
                }, () -> { });
            }
        }
        for (String room : node.replicas.rooms()) {
            if (!room.endsWith("@" + domain)) {
                continue;
            }
            NodeID home = home(room, true);
            if (home.equals(node.localNode)) {
                local(room).submit(out -> { }, () -> { });
            } else {
                node.replicas.view(room).ifPresent(view -> cluster.pushView(home, domain, view));
            }
        }
    }

    /** Another node is gone: the rooms here take its sessions out; this node takes over the rooms it ran, if it wins them. */
    void nodeLost(NodeID dead) {
        for (Room room : runningRooms()) {
            room.submit(out -> room.rebuild.nodeLost(dead, out), () -> { });
        }
        if (!node.homes.clustered()) {
            return;
        }
        for (java.util.Map.Entry<String, NodeID> entry : node.homes.all().entrySet()) {
            String room = entry.getKey();
            if (!entry.getValue().equals(dead) || !room.endsWith("@" + domain)) {
                continue;
            }
            NodeID candidate = node.homes.candidate(room);
            if (candidate.equals(node.localNode) && node.homes.takeOver(room, dead)) {
                LOG.info("Room {} lost its home {}; this node takes it over", room, dead);
                local(room).submit(out -> { }, () -> { });
            }
        }
        // the rooms whose occupants this node holds: make sure their new home runs them now (the scan above
        // may miss an entry while the cluster promotes the dead node's backups), so that every occupant of
        // the dead node leaves at once, not at the next stanza
        for (String room : node.replicas.rooms()) {
            if (!room.endsWith("@" + domain)) {
                continue;
            }
            NodeID recorded = node.homes.latest(room);
            if (recorded != null && !recorded.equals(dead) && node.homes.isMember(recorded)) {
                continue;
            }
            NodeID home = home(room, true);
            if (home.equals(node.localNode)) {
                local(room).submit(out -> { }, () -> { });
            } else {
                node.replicas.view(room).ifPresent(view -> cluster.pushView(home, domain, view));
            }
        }
    }

    /**
     * This node left the cluster: it is the home of every room now. Rooms running here lose the other
     * nodes' sessions; rooms it keeps copies of start running here, so that its occupants stay in them.
     */
    void leftCluster() {
        for (Room room : runningRooms()) {
            room.submit(out -> {
                java.util.Set<NodeID> others = new java.util.HashSet<>();
                for (Occupant o : room.byNick.values()) {
                    for (Occupant.Session s : o.sessions.values()) {
                        if (!s.node.equals(node.localNode)) {
                            others.add(s.node);
                        }
                    }
                }
                for (NodeID other : others) {
                    room.rebuild.nodeLost(other, out);
                }
            }, () -> { });
        }
        for (String room : node.replicas.rooms()) {
            if (room.endsWith("@" + domain)) {
                local(room).submit(out -> { }, () -> { });
            }
        }
    }

    static void requireRoom(Room room) {
        if (!room.exists()) {
            throw new NoSuchElementException("there is no room " + room.jid);
        }
    }

    RoomDetails details(Room room) {
        List<OccupantInfo> occupants = new ArrayList<>();
        for (Occupant o : room.byNick.values()) {
            List<OccupantInfo.Session> sessions = new ArrayList<>();
            for (Occupant.Session s : o.sessions.values()) {
                sessions.add(new OccupantInfo.Session(s.jid.toString(), s.node.value()));
            }
            occupants.add(new OccupantInfo(o.nick, o.bareJid, o.role, o.affiliation, sessions));
        }
        RoomRecord r = room.record;
        return new RoomDetails(room.jid, node.localNode.value(), r.config(), r.affiliations(),
                r.subject() == null ? "" : r.subject().text(), r.locked(), occupants);
    }

    @Override
    public List<RoomSummary> rooms() {
        Map<String, RoomRecord> records = new HashMap<>();
        for (RoomRecord stored : node.store.list(domain)) {
            records.put(stored.room(), stored);
        }
        Map<String, RoomRecord> live = new HashMap<>();
        for (Map.Entry<String, RoomRecord> e : node.records.entrySet()) {
            if (e.getKey().endsWith("@" + domain)) {
                live.put(e.getKey(), e.getValue());
            }
        }
        records.putAll(live);
        Map<String, NodeID> homes = node.homes.clustered() ? node.homes.all() : Map.of();
        List<RoomSummary> summaries = new ArrayList<>();
        for (RoomRecord r : records.values()) {
            NodeID home = node.homes.clustered() ? homes.get(r.room()) : (active.containsKey(r.room()) ? node.localNode : null);
            RoomConfig c = r.config();
            summaries.add(new RoomSummary(r.room(), c.name().isEmpty() ? r.localpart() : c.name(), c.persistent(), c.publicRoom(),
                    c.membersOnly(), c.passwordProtected(), live.containsKey(r.room()), home == null ? "" : home.value()));
        }
        summaries.sort(Comparator.comparing(RoomSummary::room));
        return summaries;
    }

    /** The rooms the service lists to users: public, configured. */
    List<RoomSummary> publicRooms() {
        List<RoomSummary> list = new ArrayList<>();
        for (RoomSummary s : rooms()) {
            RoomRecord live = node.records.get(s.room());
            if (s.publicRoom() && (live == null || !live.locked())) {
                list.add(s);
            }
        }
        return list;
    }
}
