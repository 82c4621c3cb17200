package org.skein.muc;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.dom4j.Element;
import org.skein.cluster.NodeID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;
import org.xmpp.packet.Packet;
import org.xmpp.packet.Presence;

/**
 * One room on its home node: a serial actor. Every stanza for the room and every change to it (from
 * the plugin API, the admin console, the cluster) is a task in the room's {@link Mailbox}, run one at a
 * time on the service's pool, so the room's state needs no lock and every occupant sees the room's
 * stanzas in one order. What a task sends is collected in a {@link RoomOutput} and handed to the
 * {@link Fanout} when the task ends.
 *
 * <p>The room's use cases live in helpers that work on its state: {@link RoomPresences} (enter, leave,
 * nickname, presence), {@link RoomMessages} (messages, subject, private messages, invitations),
 * {@link RoomAdministration} (roles, affiliations, configuration, destruction) and {@link RoomQueries}
 * (disco, ping, IQs between occupants).
 */
final class Room {

    private static final Logger LOG = LoggerFactory.getLogger(Room.class);

    final Rooms rooms;
    final String jid;
    final JID address;
    private final Mailbox mailbox;

    /** The room's record; {@code null} while the room does not exist. */
    RoomRecord record;
    private boolean loaded;
    /** Set when this actor has handed the room on (destroyed, passivated, moved): later tasks go to the registry again. */
    boolean closed;
    final Map<String, Occupant> byNick = new LinkedHashMap<>();
    final Map<String, Occupant> bySession = new HashMap<>();
    final History history = new History(0);
    /** IQs forwarded between occupants: target's full JID + "|" + id → the requester's full JID. */
    final Map<String, String> forwardedIqs = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > 1000;
        }
    };
    long lastActivity;
    long seq;
    /** Whether anyone was in the room since it started running here: a temporary room goes when its last occupant leaves. */
    boolean everOccupied;

    final RoomPresences presences = new RoomPresences(this);
    final RoomMessages messages = new RoomMessages(this);
    final RoomAdministration administration = new RoomAdministration(this);
    final RoomQueries queries = new RoomQueries(this);
    final RoomRebuild rebuild = new RoomRebuild(this);
    /** The other nodes that have a copy of the room (they got a snapshot and hold occupants). */
    final java.util.Set<NodeID> replicaNodes = new java.util.HashSet<>();

    Room(Rooms rooms, String jid) {
        this.rooms = rooms;
        this.jid = jid;
        this.address = new JID(jid, true);
        this.mailbox = new Mailbox(rooms.executor(), jid);
        this.lastActivity = rooms.clock().millis();
    }

    // --- the mailbox ---

    /** Queues a stanza for the room; {@code origin} is the node that holds the sender's session. */
    void receive(Packet packet, NodeID origin) {
        mailbox.execute(() -> {
            if (closed || !homeHere()) {
                rooms.dispatch(packet, origin, 1); // this actor is gone, or the room runs elsewhere: to its home now
                return;
            }
            step(out -> handle(packet, origin, out));
        });
    }

    /**
     * Before a room starts running here: whether this node really is its home (the near cache that sent
     * the stanza here may lag behind a take-over or a merge). A room that runs elsewhere closes this actor.
     */
    private boolean homeHere() {
        if (loaded || rooms.isHomeHere(jid)) {
            return true;
        }
        close();
        return false;
    }

    /**
     * Runs a task on the room's thread with its output; tasks for an actor that was closed meanwhile are
     * handed to {@code ifClosed} (which may give them to the room's new actor).
     */
    void submit(Consumer<RoomOutput> task, Runnable ifClosed) {
        mailbox.execute(() -> {
            if (closed || !homeHere()) {
                ifClosed.run();
                return;
            }
            step(task);
        });
    }

    private void step(Consumer<RoomOutput> task) {
        RoomOutput out = new RoomOutput();
        try {
            if (!loaded) {
                activate(out);
            }
            RoomRecord before = record;
            task.accept(out);
            if (record != null && record != before) {
                out.recordChanged(record);
            }
        } catch (RuntimeException e) {
            LOG.warn("Room {} failed on a task", jid, e);
        } finally {
            lastActivity = rooms.clock().millis();
            rooms.fanout().deliver(this, out);
            afterStep();
        }
    }

    /**
     * The room starts running on this node: its record (clustered cache, else database), and what the
     * nodes that hold its occupants know of it (this node's copy, and in a cluster the other members'),
     * so that a room whose home crashed goes on with the same occupants, subject and history.
     */
    private void activate(RoomOutput out) {
        loaded = true;
        record = rooms.loadRecord(jid);
        List<RoomView> views = new ArrayList<>();
        MucNode node = rooms.node();
        node.replicas.view(jid).ifPresent(views::add);
        node.replicas.remove(jid);
        if (node.homes.clustered()) {
            views.addAll(rooms.cluster().collectViews(rooms.domain(), jid));
        }
        RoomView freshest = null;
        for (RoomView v : views) {
            if (freshest == null || v.seq() > freshest.seq()) {
                freshest = v;
            }
        }
        if (record == null && freshest != null) {
            for (RoomView v : views) {
                if (v.record() != null && (record == null || v.seq() >= freshest.seq())) {
                    record = v.record();
                }
            }
            if (record != null) {
                rooms.saveRecord(null, record); // back into the cluster's cache (both copies were lost)
            }
        }
        if (record == null) {
            return;
        }
        history.setCapacity(record.config().historyLength());
        if (freshest != null) {
            history.replace(freshest.history());
            seq = Math.max(seq, freshest.seq());
            rebuild.rebuild(views, out);
        }
    }

    /** The room as a whole, for a node that starts keeping a copy. */
    RoomView snapshot(long atSeq) {
        List<OccupantState> occupants = new ArrayList<>();
        for (Occupant o : byNick.values()) {
            occupants.add(OccupantState.of(o));
        }
        return new RoomView(rooms.node().localNode.value(), jid, record, occupants, history.all(), atSeq);
    }

    /** After a task: a room that does not exist (or a temporary one that emptied) closes its actor. */
    private void afterStep() {
        if (closed) {
            return;
        }
        if (!byNick.isEmpty()) {
            everOccupied = true;
        }
        if (record == null && byNick.isEmpty()) {
            close();
        } else if (record != null && byNick.isEmpty() && !record.config().persistent() && everOccupied) {
            LOG.debug("Temporary room {} is empty and goes away", jid);
            rooms.forget(this, record);
            record = null;
            close();
        }
    }

    /**
     * An empty room that stayed idle: a persistent one goes to rest (it leaves memory and gives its home
     * up, and stays in the database); a temporary one that nobody entered goes away.
     */
    void rest() {
        if (record != null && byNick.isEmpty()) {
            if (record.config().persistent()) {
                rooms.rest(this);
            } else {
                rooms.forget(this, record);
                record = null;
            }
        }
        close();
    }

    /** Stops this actor: the registry forgets it and later tasks go to a new one. */
    void close() {
        closed = true;
        rooms.closed(this);
    }

    private void handle(Packet packet, NodeID origin, RoomOutput out) {
        if (packet instanceof Presence presence) {
            presences.handle(presence, origin, out);
        } else if (packet instanceof Message message) {
            messages.handle(message, origin, out);
        } else if (packet instanceof IQ iq) {
            queries.handle(iq, origin, out);
        }
    }

    // --- state helpers for the use cases ---

    boolean exists() {
        return record != null;
    }

    RoomConfig config() {
        return record.config();
    }

    Affiliation affiliationOf(String bareJid) {
        return record == null ? Affiliation.NONE : record.affiliationOf(bareJid);
    }

    /** Writes the record where it must live (clustered cache; database for a persistent room). */
    void saveRecord(RoomRecord updated) {
        RoomRecord previous = record;
        record = updated;
        history.setCapacity(updated.config().historyLength());
        rooms.saveRecord(previous, updated);
    }

    Role defaultRole(Affiliation affiliation) {
        return switch (affiliation) {
            case OWNER, ADMIN -> Role.MODERATOR;
            case MEMBER -> Role.PARTICIPANT;
            case NONE -> record.config().moderated() ? Role.VISITOR : Role.PARTICIPANT;
            case OUTCAST -> Role.NONE;
        };
    }

    String occupantId(String bareJid) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(record.salt().getBytes(StandardCharsets.UTF_8));
            sha.update((byte) '|');
            sha.update(bareJid.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(sha.digest()).substring(0, 22);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    }

    JID occupantJid(String nick) {
        return MucXml.occupantJid(jid, nick);
    }

    /** Every session of every occupant, as recipients. */
    List<RoomOutput.Recipient> everyone() {
        List<RoomOutput.Recipient> all = new ArrayList<>();
        for (Occupant o : byNick.values()) {
            addSessions(o, all);
        }
        return all;
    }

    static void addSessions(Occupant o, List<RoomOutput.Recipient> into) {
        for (Occupant.Session s : o.sessions.values()) {
            into.add(new RoomOutput.Recipient(s.jid, s.node));
        }
    }

    static List<RoomOutput.Recipient> sessionsOf(Occupant o) {
        List<RoomOutput.Recipient> list = new ArrayList<>(o.sessions.size());
        addSessions(o, list);
        return list;
    }

    /** Whether a recipient occupant may see the real JIDs of the others. */
    boolean seesJids(Occupant viewer) {
        return record.config().whois() == RoomConfig.Whois.ANYONE || viewer.isModerator();
    }

    /**
     * The presence of an occupant as the room sends it: the occupant's own presence (or an unavailable
     * one), from its occupant JID, with its {@code muc#user} item and occupant id.
     *
     * @param type {@code null} for available, or {@link Presence.Type#unavailable}
     * @param withJid whether the item names the occupant's real JID
     * @param itemExtras adds to the item (nick, reason, actor), or {@code null}
     * @param xExtras adds to the {@code x} element (destroy), or {@code null}
     */
    Presence occupantPresence(Occupant o, Presence.Type type, String status, String id, boolean withJid,
                              Collection<Integer> codes, Consumer<Element> itemExtras, Consumer<Element> xExtras) {
        Presence p;
        Occupant.Session latest = o.latest();
        if (type == null && latest != null && latest.presence != null) {
            p = latest.presence.createCopy();
            MucXml.strip(p, jid);
            p.setTo((JID) null);
        } else {
            p = new Presence(type);
            if (status != null) {
                p.setStatus(status);
            }
        }
        p.setFrom(occupantJid(o.nick));
        if (id != null) {
            p.setID(id);
        } else {
            p.getElement().addAttribute("id", null);
        }
        Element item = MucXml.userItem(p, o.affiliation, o.role, codes);
        if (withJid && latest != null) {
            item.addAttribute("jid", latest.jid.toString());
        }
        if (itemExtras != null) {
            itemExtras.accept(item);
        }
        if (xExtras != null) {
            xExtras.accept(item.getParent());
        }
        MucXml.occupantId(p, o.occupantId);
        return p;
    }

    /**
     * Sends an occupant's presence to everyone in the room (and to {@code alsoSelf}, sessions of the
     * occupant that already left the tables): moderators (or everyone, in a non-anonymous room) get it
     * with the real JID, the occupant's own sessions get it with status 110 and {@code selfCodes}.
     */
    void broadcastPresence(Occupant o, Presence.Type type, String status, String id, Set<Integer> codes, Set<Integer> selfCodes,
                           Consumer<Element> itemExtras, Consumer<Element> xExtras, List<RoomOutput.Recipient> alsoSelf,
                           RoomOutput out) {
        List<RoomOutput.Recipient> plain = new ArrayList<>();
        List<RoomOutput.Recipient> withJid = new ArrayList<>();
        List<RoomOutput.Recipient> self = new ArrayList<>(alsoSelf);
        for (Occupant viewer : byNick.values()) {
            if (viewer == o) {
                addSessions(viewer, self);
            } else if (seesJids(viewer)) {
                addSessions(viewer, withJid);
            } else {
                addSessions(viewer, plain);
            }
        }
        if (!plain.isEmpty()) {
            out.send(occupantPresence(o, type, status, id, false, codes, itemExtras, xExtras), plain);
        }
        if (!withJid.isEmpty()) {
            out.send(occupantPresence(o, type, status, id, true, codes, itemExtras, xExtras), withJid);
        }
        if (!self.isEmpty()) {
            java.util.TreeSet<Integer> all = new java.util.TreeSet<>(codes);
            all.addAll(selfCodes);
            all.add(MucXml.SELF);
            out.send(occupantPresence(o, type, status, id, true, all, itemExtras, xExtras), self);
        }
    }

    /** Takes an occupant out of the room's tables (not its presence: the caller sends that). */
    void removeOccupant(Occupant o) {
        byNick.remove(o.nick, o);
        for (String session : o.sessions.keySet()) {
            bySession.remove(session, o);
        }
    }

    long nextSeq() {
        return ++seq;
    }

    @Override
    public String toString() {
        return "room " + jid;
    }
}
