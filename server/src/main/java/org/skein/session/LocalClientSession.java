package org.skein.session;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.skein.cluster.NodeID;
import org.skein.xmpp.stream.StanzaParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;
import org.xmpp.packet.Packet;
import org.xmpp.packet.Presence;
import org.xmpp.packet.StreamError;

/**
 * A bound client session on this node. Its presence and flags are written on the session's own
 * processing thread and read from others, hence volatile.
 *
 * <p>It remembers which other resources of its domain its client saw available: every available
 * presence delivered to it from a full JID adds that JID, every unavailable one removes it (addresses of
 * services such as group chat rooms are left to those services, which say themselves who is gone). When those
 * resources vanish without saying goodbye (their node crashed or this node left the cluster), the
 * client is told they are unavailable, once each, from this set ({@link #visiblePresences()}).
 *
 * <p>From its bind until its offline messages are delivered, chat and normal messages for it wait in
 * its {@link MessageHold} (when the node keeps offline messages: {@link #startHold}), so that no live
 * message overtakes one that waited in storage.
 */
public final class LocalClientSession implements ClientSession {

    private static final Logger LOG = LoggerFactory.getLogger(LocalClientSession.class);

    /** The connection stanzas are written to; {@code null} while the session waits for its client to resume (XEP-0198). */
    private volatile ClientConnection connection;
    private volatile ClientConnection lastConnection;
    /** Guards every write of a stanza, so the stream management count and queue follow the order on the wire. */
    private final Object output = new Object();
    private StreamManagement streamManagement;
    private volatile boolean streamManagementEnabled;
    /** Set once the session's end is decided: no client may resume it from then on. */
    private boolean endClaimed;
    private boolean resumptionForbidden;
    private volatile Runnable overflowHandler = () -> { };
    /** Set once the session moved to another node (a resume there): every stanza written from then on goes there. */
    private java.util.function.Consumer<String> movedTo;
    private volatile boolean moved;
    /**
     * Non-null while this session, moving in from another node, waits for that node's state: what is written
     * meanwhile waits here, to go after the stanzas the other node hands over.
     */
    private List<String> catchingUp;
    private final ClientState clientState;
    private final JID address;
    private final NodeID node;
    private final String streamId;
    private final Instant created;
    private volatile Presence presence;
    private volatile boolean initialPresenceSent;
    private volatile boolean rosterRequested;
    private volatile boolean offlineMessagesDelivered;
    private volatile boolean carbonsEnabled;
    private volatile boolean closed;
    private final Set<String> visible = ConcurrentHashMap.newKeySet();
    private final StanzaTraffic traffic;
    private volatile MessageHold hold = MessageHold.open(this::sendPastHold);
    private volatile MessageHold.Storage holdStorage;
    private volatile SlowConsumerHandler slowConsumer;
    /** What the connection tells about its backlog; set on every connection the session moves to (a resume). */
    private volatile ClientConnection.OutboundListener outboundListener;
    /** A presence or an IQ for the session was refused while its client did not read. */
    private volatile boolean lostState;
    /** The session's stream management journal, or {@code null} when it is not journaled. */
    private volatile SessionJournal.Handle journal;

    public LocalClientSession(ClientConnection connection, JID address, NodeID node, String streamId, Instant created) {
        this(connection, address, node, streamId, created, new StanzaTraffic());
    }

    /** A session whose outgoing stanzas are counted in {@code traffic} (the node's). */
    public LocalClientSession(ClientConnection connection, JID address, NodeID node, String streamId, Instant created,
                              StanzaTraffic traffic) {
        this.traffic = Objects.requireNonNull(traffic, "traffic");
        this.connection = Objects.requireNonNull(connection, "connection");
        this.lastConnection = connection;
        this.address = Objects.requireNonNull(address, "address");
        this.clientState = new ClientState(address);
        this.node = Objects.requireNonNull(node, "node");
        this.streamId = Objects.requireNonNull(streamId, "streamId");
        this.created = Objects.requireNonNull(created, "created");
        Presence unavailable = new Presence(Presence.Type.unavailable);
        unavailable.setFrom(address);
        this.presence = unavailable;
    }

    @Override
    public JID address() {
        return address;
    }

    /** The bare JID's user part. */
    public String username() {
        return address.getNode();
    }

    @Override
    public NodeID node() {
        return node;
    }

    public String streamId() {
        return streamId;
    }

    /** The session's connection: the current one, or the last one while the session waits for its client to resume. */
    public ClientConnection connection() {
        return lastConnection;
    }

    @Override
    public Presence presence() {
        return presence;
    }

    /** Sets the session's current presence (called by the presence logic on the session's thread). */
    public void setPresence(Presence newPresence) {
        this.presence = Objects.requireNonNull(newPresence, "presence");
        journalChanged();
    }

    @Override
    public boolean isAvailable() {
        return presence.isAvailable();
    }

    @Override
    public int priority() {
        return presence.isAvailable() ? presence.getPriority() : 0;
    }

    /** Whether the client has sent its initial presence (RFC 6121 section 4.2). */
    public boolean isInitialPresenceSent() {
        return initialPresenceSent;
    }

    public void setInitialPresenceSent(boolean sent) {
        this.initialPresenceSent = sent;
    }

    /** Whether the client asked for its roster: only such resources get roster pushes (RFC 6121 section 2.1.6). */
    public boolean isRosterRequested() {
        return rosterRequested;
    }

    public void setRosterRequested(boolean requested) {
        this.rosterRequested = requested;
        journalChanged();
    }

    /** Whether the user's offline messages were delivered to this session. */
    public boolean isOfflineMessagesDelivered() {
        return offlineMessagesDelivered;
    }

    public void setOfflineMessagesDelivered(boolean delivered) {
        this.offlineMessagesDelivered = delivered;
    }

    /** Whether the client enabled message carbons (XEP-0280): it gets copies of its user's other sessions' chats. */
    public boolean isCarbonsEnabled() {
        return carbonsEnabled;
    }

    /**
     * Enables or disables message carbons for this session; the caller then updates the session's route
     * (the routing table's copy is what message routing reads, on any node).
     */
    public void setCarbonsEnabled(boolean enabled) {
        this.carbonsEnabled = enabled;
        journalChanged();
    }

    private void journalChanged() {
        SessionJournal.Handle handle = journal;
        if (handle != null) {
            handle.changed();
        }
    }

    /**
     * Journals the session's stream management state from now on ({@link SessionJournal}), if it is resumable:
     * what is unacknowledged now first, under the output lock, so that no stanza slips past the journal.
     */
    void attachJournal(SessionJournal sessionJournal) {
        synchronized (output) {
            StreamManagement sm = streamManagement;
            if (sm == null || !sm.isResumable() || closed || endClaimed || movedTo != null || journal != null) {
                return;
            }
            SessionJournal.Handle handle = sessionJournal.open(sm.id(), this, sm.resumeTimeout());
            journal = handle;
            sm.attachJournal(handle);
        }
    }

    @Override
    public Instant creationTime() {
        return created;
    }

    @Override
    public String clientAddress() {
        return String.valueOf(lastConnection.remoteAddress());
    }

    /**
     * Starts holding chat and normal messages for this session (see {@link MessageHold}): called once,
     * at the bind, before the session can be routed to. The hold ends at the latest after
     * {@code timeout} (a client that never sends presence still gets its messages then).
     */
    void startHold(MessageHold.Storage storage, int maxMessages, long maxBytes, Duration timeout) {
        MessageHold started = new MessageHold(username(), storage, this::sendPastHold, maxMessages, maxBytes);
        this.holdStorage = storage;
        this.hold = started;
        lastConnection.schedule(started::release, timeout);
    }

    /** Keeps messages that cannot be written in {@code storage} (a session that moved in: its hold ended on the other node). */
    void keepOfflineIn(MessageHold.Storage storage) {
        this.holdStorage = storage;
    }

    /**
     * Applies the node's slow-consumer policy to this session (see the class comment): called once, at
     * the bind, before the session can be routed to.
     */
    void startFlowControl(SlowConsumerHandler handler) {
        this.slowConsumer = Objects.requireNonNull(handler, "handler");
        ClientConnection.OutboundListener listener = new ClientConnection.OutboundListener() {
            @Override
            public void relieved() {
                readsAgain();
            }

            @Override
            public void unsent(String xml) {
                takeBack(xml);
            }
        };
        this.outboundListener = listener;
        connection.setOutboundListener(listener);
    }

    /** Whether the client's connection holds more than its bound (never while the session is detached: stream management queues then). */
    private boolean backlogged() {
        ClientConnection current = connection;
        return current != null && current.isBacklogged();
    }

    /** The session's message hold (open from the start when the node keeps no offline messages). */
    public MessageHold hold() {
        return hold;
    }

    @Override
    public void deliver(Packet packet) {
        if (takenBeforeWrite(packet)) {
            return;
        }
        if (packet instanceof Presence p) {
            track(p);
            if (clientState.hold(p, this::write)) {
                return;
            }
        }
        traffic.sent(packet);
        write(packet.toXML());
    }

    /**
     * What happens to a stanza before it is written: kept after the session ended, held behind stored
     * messages, or handled by the slow-consumer policy.
     *
     * @return whether it was taken here (the caller writes nothing)
     */
    private boolean takenBeforeWrite(Packet packet) {
        if (closed) {
            afterClose(packet);
            return true;
        }
        if (!hold.isLive() && hold.take(packet)) {
            return true;
        }
        if (slowConsumer != null && backlogged()) {
            overflow(packet);
            return true;
        }
        return false;
    }

    /** A stanza for a client that does not read: kept in storage (a chat or normal message) or refused. */
    private void overflow(Packet packet) {
        if (isAnswer(packet)) {
            // an error or an IQ result cannot be answered: it is queued anyway, within the connection's hard bound
            traffic.sent(packet);
            write(packet.toXML());
            return;
        }
        SlowConsumerHandler handler = slowConsumer;
        MessageHold.Storage storage = holdStorage;
        if (handler.keepsMessagesOffline() && storage != null && MessageHold.isStorable(packet) && divertingHold(storage).take(packet)) {
            if (!backlogged()) {
                // the client read again between the look at its backlog and the diversion: that relief may have
                // found the hold still live, and nothing else would deliver what is stored now (the hold sends
                // every later message to storage, so the connection is never over its bound again)
                wakeStoredDelivery();
            }
            return;
        }
        if (packet instanceof Presence || packet instanceof IQ) {
            lostState = true;
        }
        handler.refused(this, packet);
    }

    /** An error message, or an IQ result or error: nothing may answer it, so it is never refused for a slow client. */
    private static boolean isAnswer(Packet packet) {
        if (packet instanceof Message message) {
            return message.getType() == Message.Type.error;
        }
        return packet instanceof IQ iq && (iq.getType() == IQ.Type.result || iq.getType() == IQ.Type.error);
    }

    /** The hold, turned to draining (messages append to storage) if it was live. */
    private synchronized MessageHold divertingHold(MessageHold.Storage storage) {
        if (hold.isLive()) {
            hold = MessageHold.draining(username(), storage, this::sendPastHold);
        }
        return hold;
    }

    private void wakeStoredDelivery() {
        ClientConnection current = connection;
        if (current == null) {
            return; // detached: stream management keeps what comes, and a resume delivers storage
        }
        try {
            current.executor().execute(this::readsAgain);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the node is stopping; the stored messages wait for the next login
        }
    }

    /** On the connection's executor: the client reads again. */
    private void readsAgain() {
        if (closed) {
            return;
        }
        if (lostState) {
            LOG.info("{} reads again, but presences or IQs for it were refused meanwhile: closing its stream", this);
            closeWithError(StreamError.Condition.policy_violation,
                    "stanzas for you were refused while you did not read; log in again");
            return;
        }
        if (hold.state() == MessageHold.State.DRAINING) {
            slowConsumer.deliverStored(this);
        }
    }

    /** On the connection's executor: a stanza its connection closed before writing. */
    private void takeBack(String xml) {
        if (streamManagementEnabled) {
            return; // stream management keeps it until the client acknowledges it: replayed at a resume, or handed on when the session ends
        }
        Packet packet;
        try {
            packet = StanzaParser.parsePacket(xml);
        } catch (IllegalArgumentException e) {
            LOG.warn("A stanza for {} was not written and cannot be read back; it is dropped: {}", address, e.getMessage());
            return;
        }
        keepOrRefuse(packet, slowConsumer == null || slowConsumer.keepsMessagesOffline());
    }

    /**
     * A stanza routed to this session after it ended (it was still in the routing table): kept offline
     * if it is a chat or normal message, as for any resource that is gone, else refused.
     */
    private void afterClose(Packet packet) {
        if (packet instanceof Presence) {
            return; // presence for a resource that is gone is not kept (RFC 6121 section 8.5.3.2.3)
        }
        keepOrRefuse(packet, true);
    }

    private void keepOrRefuse(Packet packet, boolean keepOffline) {
        MessageHold.Storage storage = holdStorage;
        SlowConsumerHandler handler = slowConsumer;
        if (MessageHold.isStorable(packet) && storage != null && keepOffline) {
            try {
                if (storage.append(username(), (Message) packet)) {
                    LOG.debug("A message for {} could not be written to its client; it is kept offline", address);
                    return;
                }
            } catch (RuntimeException e) {
                LOG.warn("Keeping a message for {} offline failed", address, e);
            }
        }
        if (handler != null) {
            handler.refused(this, packet);
        } else {
            LOG.info("A {} for {} could not be written to its client (its stream ended); it is dropped", packet.getElement().getName(),
                    address);
        }
    }

    /** Delivers a stanza now, past the {@link #hold()}: for the offline messages the hold waits behind. */
    public void deliverPastHold(Packet packet) {
        sendPastHold(packet);
    }

    private void sendPastHold(Packet packet) {
        if (!closed) {
            traffic.sent(packet);
            write(packet.toXML());
        }
    }

    /**
     * Writes a stanza the stream logic made itself (an error about the client's own stanza): counted and
     * kept for acknowledgement like every other stanza when stream management is on.
     */
    public void sendStanzaXml(String xml) {
        if (!closed) {
            write(xml);
        }
    }

    /** Every stanza to the client goes here: counted and queued when stream management is on, written when attached. */
    private void write(String xml) {
        synchronized (output) {
            if (movedTo != null) {
                movedTo.accept(xml);
                return;
            }
            if (catchingUp != null) {
                catchingUp.add(xml);
                return;
            }
            StreamManagement sm = streamManagement;
            ClientConnection current = connection;
            if (sm != null) {
                if (sm.sent(xml)) {
                    overflowHandler.run();
                }
                if (current != null) {
                    current.sendStanza(xml);
                    if (sm.requestAck()) {
                        current.send("<r xmlns='" + StreamManagement.NAMESPACE + "'/>");
                    }
                }
            } else if (current != null) {
                current.sendStanza(xml);
            }
        }
    }

    /**
     * Delivers a stanza that is already XML, as it is: for a message or an IQ that another node
     * serialized (the remote packet router's receiving end), so that it is not parsed and written
     * again. Never for a presence: a presence updates what this session saw ({@link #deliver} looks
     * inside it). The XML must be one well-formed stanza of the {@code jabber:client} stream.
     */
    public void deliverXml(String xml) {
        if (closed || !hold.isLive() || (slowConsumer != null && backlogged())) {
            Packet packet;
            try {
                packet = StanzaParser.parsePacket(xml);
            } catch (IllegalArgumentException e) {
                LOG.warn("Dropping an unreadable stanza for {}: {}", address, e.getMessage());
                return;
            }
            if (takenBeforeWrite(packet)) {
                return;
            }
        }
        traffic.sentXml(xml);
        write(xml);
    }

    private void track(Presence p) {
        JID from = p.getFrom();
        if (from == null || from.getResource() == null || from.equals(address)) {
            return;
        }
        if (!address.getDomain().equals(from.getDomain())) {
            return; // a service's addresses (a room's occupants) are the service's to tell about
        }
        if (p.getType() == null) {
            visible.add(from.toString());
        } else if (p.getType() == Presence.Type.unavailable) {
            visible.remove(from.toString());
        }
    }

    /** The full JIDs whose available presence this session's client got and no unavailable since (a snapshot). */
    public Set<String> visiblePresences() {
        return Set.copyOf(visible);
    }

    /**
     * Tells the client that a resource it saw available is gone (an unavailable presence from it),
     * unless it was told so already.
     *
     * @return whether the client had seen the resource available
     */
    public boolean presenceGone(String fullJid) {
        if (!visible.remove(fullJid)) {
            return false;
        }
        Presence unavailable = new Presence(Presence.Type.unavailable);
        unavailable.setFrom(new JID(fullJid, true));
        unavailable.setTo(address);
        deliver(unavailable);
        return true;
    }

    /** Whether the session has ended (its connection closed or it was replaced). */
    public boolean isClosed() {
        return closed;
    }

    void markClosed() {
        closed = true;
        keepHeldMessages();
    }

    /** Messages that still waited in the hold when the session ended go to offline storage (else they would be lost). */
    private void keepHeldMessages() {
        List<Message> left = hold.close();
        MessageHold.Storage storage = holdStorage;
        if (left.isEmpty() || storage == null) {
            return;
        }
        for (Message message : left) {
            try {
                if (!storage.append(username(), message)) {
                    LOG.info("{} ended with messages waiting; offline storage is full, one is dropped", this);
                }
            } catch (RuntimeException e) {
                LOG.warn("{} ended with messages waiting; keeping one offline failed", this, e);
            }
        }
    }

    @Override
    public void close(StreamError.Condition condition, String text) {
        closeWithError(condition, text);
    }

    /** Closes the session's connection with a stream error (used when another login takes its resource). */
    public void closeWithError(StreamError.Condition condition, String text) {
        closed = true;
        keepHeldMessages();
        ClientConnection current = connection;
        if (current != null) {
            current.closeWithError(condition, text);
        }
    }

    // --- client state indication (XEP-0352) ---

    /** Whether the client said it is inactive: presence updates wait (the newest per sender) until it is active. */
    public boolean isInactive() {
        return clientState.isInactive();
    }

    /** How many senders' presence updates wait for the client to be active. */
    public int heldPresenceCount() {
        return clientState.heldCount();
    }

    /** The client is inactive (XEP-0352 {@code <inactive/>}). */
    public void clientInactive() {
        clientState.deactivate();
    }

    /** The client is active (XEP-0352 {@code <active/>}): the presence updates that waited go out now. */
    public void clientActive() {
        clientState.activate(this::write);
    }

    // --- stream management (XEP-0198) ---

    /** Whether stream management is on for this session. */
    public boolean isStreamManagementEnabled() {
        return streamManagementEnabled;
    }

    /** Whether the session waits for its client to resume (its connection is gone). */
    public boolean isDetached() {
        return streamManagementEnabled && connection == null && !closed && !moved;
    }

    /** How many stanzas the client has not acknowledged yet (0 without stream management). */
    public int unacknowledgedCount() {
        synchronized (output) {
            return streamManagement == null ? 0 : streamManagement.unackedCount();
        }
    }

    /**
     * Turns stream management on and writes {@code enabled}: stanzas written after it are counted, those
     * before are not (both under the output lock, so none slips between).
     *
     * @param onOverflow run (under the output lock) when the client leaves too many stanzas unacknowledged
     * @return whether it was turned on ({@code false}: it was on already)
     */
    boolean enableStreamManagement(StreamManagement sm, String enabled, Runnable onOverflow) {
        synchronized (output) {
            if (streamManagement != null) {
                return false;
            }
            streamManagement = sm;
            overflowHandler = onOverflow;
            streamManagementEnabled = true;
            ClientConnection current = connection;
            if (current != null) {
                current.send(enabled);
            }
            return true;
        }
    }

    /** The stream management id, or {@code null} without stream management. */
    String streamManagementId() {
        synchronized (output) {
            return streamManagement == null ? null : streamManagement.id();
        }
    }

    /** Whether the client asked for resumption when it enabled stream management. */
    boolean isResumable() {
        synchronized (output) {
            return streamManagement != null && streamManagement.isResumable();
        }
    }

    /** How long the detached session waits for its client. */
    Duration resumeTimeout() {
        synchronized (output) {
            return streamManagement == null ? Duration.ZERO : streamManagement.resumeTimeout();
        }
    }

    /** The client sent a stanza (called by the stream logic, on the session's processing thread). */
    void stanzaReceived() {
        synchronized (output) {
            if (streamManagement != null) {
                streamManagement.received();
            }
        }
    }

    /** Answers the client's {@code <r/>}. */
    void answerAckRequest() {
        synchronized (output) {
            ClientConnection current = connection;
            if (streamManagement != null && current != null) {
                current.send("<a xmlns='" + StreamManagement.NAMESPACE + "' h='" + streamManagement.inbound() + "'/>");
            }
        }
    }

    /**
     * The client's {@code <a h/>}.
     *
     * @return {@code false} if it acknowledged more than was sent
     */
    boolean acknowledge(long h) {
        synchronized (output) {
            if (streamManagement == null) {
                return true;
            }
            if (!streamManagement.acknowledge(h)) {
                return false;
            }
            ClientConnection current = connection;
            if (current != null && streamManagement.unackedCount() > 0 && streamManagement.requestAck()) {
                // stanzas went out after the request this answers: ask again, or they would wait for the next stanza
                current.send("<r xmlns='" + StreamManagement.NAMESPACE + "'/>");
            }
            return true;
        }
    }

    /**
     * Lets go of {@code from}, the session's connection that closed: the session keeps its place and
     * queues stanzas until a client resumes it.
     *
     * @return whether the session was on that connection (else it had moved already, or ended)
     */
    boolean detach(ClientConnection from) {
        synchronized (output) {
            if (connection != from || closed || endClaimed || resumptionForbidden) {
                return false;
            }
            connection = null;
            return true;
        }
    }

    /**
     * Decides that the session ends: only if it is still on {@code expected} ({@code null}: detached), and
     * only once; from then on no client may resume it.
     *
     * @return whether the caller is the one to end it
     */
    boolean claimEnd(ClientConnection expected) {
        synchronized (output) {
            if (endClaimed || connection != expected) {
                return false;
            }
            endClaimed = true;
            return true;
        }
    }

    /** The session may not be resumed any more (its client left too many stanzas unacknowledged). */
    void forbidResumption() {
        synchronized (output) {
            resumptionForbidden = true;
        }
    }

    /** The connection the session writes to now, or {@code null} while detached. */
    ClientConnection currentConnection() {
        return connection;
    }

    /** Whether the session writes to this connection now. */
    boolean isOn(ClientConnection candidate) {
        return connection == candidate;
    }

    /**
     * Moves the session to a new connection (XEP-0198 resumption): drops what the client acknowledged
     * ({@code h}), writes {@code resumed} (built with the server's inbound count), then every stanza still
     * unacknowledged, in order; the connection the session was on (if it still was on one) is closed.
     *
     * @param resumed makes the {@code <resumed/>} element from the server's inbound count
     * @return {@code false} if {@code h} counts more than was sent (nothing changed)
     */
    boolean resume(ClientConnection to, long h, java.util.function.LongFunction<String> resumed) {
        ClientConnection old;
        synchronized (output) {
            if (closed || endClaimed || resumptionForbidden || streamManagement == null || !streamManagement.acknowledge(h)) {
                return false;
            }
            old = connection;
            connection = to;
            lastConnection = to;
            ClientConnection.OutboundListener listener = outboundListener;
            if (listener != null) {
                to.setOutboundListener(listener);
            }
            to.send(resumed.apply(streamManagement.inbound()));
            List<String> replay = streamManagement.unacknowledged();
            for (String xml : replay) {
                to.send(xml);
            }
            if (!replay.isEmpty() && streamManagement.requestAck()) {
                to.send("<r xmlns='" + StreamManagement.NAMESPACE + "'/>");
            }
        }
        if (old != null) {
            old.close();
        }
        return true;
    }

    // --- resumption on another node ---

    /** Whether the session moved to another node (a client resumed it there); it only passes stanzas on. */
    public boolean hasMoved() {
        return moved;
    }

    /**
     * Hands the session over to another node where its client resumes: drops what the client acknowledged
     * ({@code h}), sends out the presences that waited for an inactive client (they join the queue), takes its
     * state, and from then on passes every stanza written to it to {@code forward}, in order, after the stanzas
     * handed over. Its connection (if it still had one) is closed. Nobody may resume or end it here any more.
     *
     * @param forward takes the XML of each stanza written after the hand-over (called under the output lock)
     * @return the state, or {@code null} if the session cannot be resumed ({@code h} too high, or ended)
     */
    SessionHandOver handOver(long h, java.util.function.Consumer<String> forward) {
        ClientConnection old;
        SessionHandOver state;
        // presences that wait for an inactive client join the queue first (not under the output lock: the client
        // state's lock comes first when a held presence is written); the new node holds them again if the client is inactive
        boolean inactive = clientState.isInactive();
        clientState.activate(this::write);
        synchronized (output) {
            if (closed || endClaimed || resumptionForbidden || movedTo != null || streamManagement == null
                    || !streamManagement.isResumable() || !streamManagement.acknowledge(h)) {
                return null;
            }
            Presence current = presence;
            state = new SessionHandOver(address.toString(), streamManagement.resumeTimeout().toMillis(), streamManagement.inbound(),
                    streamManagement.acked(), streamManagement.unacknowledged(), current.isAvailable() ? current.toXML() : "",
                    initialPresenceSent, rosterRequested, offlineMessagesDelivered, carbonsEnabled, List.copyOf(visible), inactive);
            streamManagement.drain();
            endClaimed = true;
            movedTo = java.util.Objects.requireNonNull(forward, "forward");
            moved = true;
            old = connection;
            connection = null;
        }
        if (old != null) {
            old.close();
        }
        return state;
    }

    /** Starts a session that moves in from another node: what is written to it waits until {@link #installMoved}. */
    void beginCatchingUp() {
        synchronized (output) {
            catchingUp = new java.util.ArrayList<>();
        }
    }

    /**
     * Takes the state another node handed over and goes on as that session on this connection: writes
     * {@code resumed} (made from the client's count), then the stanzas the client had not acknowledged, then
     * what was written to this session while it waited, in that order; they all wait for acknowledgement.
     *
     * @param onOverflow run (under the output lock) when the client leaves too many stanzas unacknowledged
     */
    void installMoved(SessionHandOver state, StreamManagement sm, Runnable onOverflow, java.util.function.LongFunction<String> resumed) {
        if (!state.presenceXml().isEmpty()) {
            try {
                presence = (Presence) StanzaParser.parsePacket(state.presenceXml());
            } catch (RuntimeException e) {
                LOG.warn("The presence of {} handed over by another node cannot be read; it is taken as unavailable", address, e);
            }
        }
        initialPresenceSent = state.initialPresenceSent();
        rosterRequested = state.rosterRequested();
        offlineMessagesDelivered = state.offlineMessagesDelivered();
        carbonsEnabled = state.carbonsEnabled();
        visible.addAll(state.visible());
        if (state.inactive()) {
            clientState.deactivate();
        }
        synchronized (output) {
            List<String> waited = catchingUp == null ? List.of() : catchingUp;
            catchingUp = null;
            streamManagement = sm;
            overflowHandler = onOverflow;
            streamManagementEnabled = true;
            boolean over = false;
            for (String xml : waited) {
                over |= sm.sent(xml);
            }
            ClientConnection to = connection;
            if (to != null) {
                to.send(resumed.apply(sm.inbound()));
                List<String> replay = sm.unacknowledged();
                for (String xml : replay) {
                    to.send(xml);
                }
                if (!replay.isEmpty() && sm.requestAck()) {
                    to.send("<r xmlns='" + StreamManagement.NAMESPACE + "'/>");
                }
            }
            if (over) {
                onOverflow.run();
            }
        }
    }

    /**
     * The session that was to move in did not (the other node refused or did not answer): it ends, and the
     * stanzas written to it meanwhile are returned, in order, for the caller to route again.
     */
    List<String> abandonCatchingUp() {
        synchronized (output) {
            List<String> waited = catchingUp == null ? List.of() : catchingUp;
            catchingUp = null;
            closed = true;
            endClaimed = true;
            return waited;
        }
    }

    /**
     * A stanza for a session that moved which could not be passed on to its node: a chat or normal message
     * is kept offline, anything else refused, as for a resource that is gone.
     */
    void keepUndelivered(Packet packet) {
        if (packet instanceof Presence) {
            return;
        }
        keepOrRefuse(packet, true);
    }

    /** The session has ended: the stanzas the client never acknowledged, in order, for the caller to handle as undelivered. */
    List<String> drainUnacknowledged() {
        synchronized (output) {
            return streamManagement == null ? List.of() : streamManagement.drain();
        }
    }

    @Override
    public String toString() {
        return "session " + address + " (stream " + streamId + ")";
    }
}
