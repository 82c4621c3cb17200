package org.skein.session;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.Message;
import org.xmpp.packet.Packet;

/**
 * Keeps a new session's stored and live messages in order: no live message may overtake an older one
 * that waited in offline storage. Only messages that offline storage would keep ({@code chat} and
 * {@code normal}) are concerned; everything else goes out at once.
 * <ol>
 *   <li><b>Holding</b>, from the bind until the client's initial presence: such messages for the session
 *       wait here, in memory and in order (at most {@code maxMessages} and {@code maxBytes}; beyond that,
 *       or when the hold times out, it ends: what waits goes out, then everything goes out live).</li>
 *   <li><b>Draining</b>, while the offline messages are delivered: the held messages, and every such
 *       message that arrives meanwhile, are appended to the user's offline storage behind the ones being
 *       delivered, and the delivery reaches them in turn (so memory stays bounded however long the
 *       client takes to read).</li>
 *   <li><b>Live</b>: everything goes out at once. The delivery switches to it only when storage holds
 *       nothing more for the user, checked under this hold's lock, which every append also takes: no
 *       message can be left behind in storage.</li>
 * </ol>
 * A session that never asks for its offline messages (a negative priority) is released at its initial
 * presence. If storage refuses a message (the user's quota is full), it goes out live: order is then
 * given up for it, never the message. Thread-safe; appends to storage block on it, under the lock.
 */
public final class MessageHold {

    private static final Logger LOG = LoggerFactory.getLogger(MessageHold.class);

    /** Where messages wait behind the stored ones while those are delivered: the user's offline storage. */
    public interface Storage {
        /** Appends a message to the user's offline storage; {@code false} if it is full. */
        boolean append(String username, Message message);
    }

    enum State { HOLDING, DRAINING, LIVE }

    private final String username;
    private final Storage storage;
    private final Consumer<Packet> out;
    private final int maxMessages;
    private final long maxBytes;
    private final ArrayDeque<Message> held = new ArrayDeque<>();
    private long heldBytes;
    private volatile State state = State.HOLDING;

    /**
     * @param out sends a packet to the client, past this hold
     */
    public MessageHold(String username, Storage storage, Consumer<Packet> out, int maxMessages, long maxBytes) {
        this.username = Objects.requireNonNull(username, "username");
        this.storage = Objects.requireNonNull(storage, "storage");
        this.out = Objects.requireNonNull(out, "out");
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
    }

    /** A hold that is open from the start: everything goes out at once. */
    static MessageHold open(Consumer<Packet> out) {
        MessageHold hold = new MessageHold("", (u, m) -> false, out, 0, 0);
        hold.state = State.LIVE;
        return hold;
    }

    /**
     * A hold that starts draining: storable messages are appended to storage until a delivery from
     * storage finds it empty ({@link #finishDraining}). For a session whose client stopped reading.
     */
    static MessageHold draining(String username, Storage storage, Consumer<Packet> out) {
        MessageHold hold = new MessageHold(username, storage, out, 0, 0);
        hold.state = State.DRAINING;
        return hold;
    }

    /** Whether everything goes out at once (a cheap check for the delivery path). */
    public boolean isLive() {
        return state == State.LIVE;
    }

    /** How many messages wait in memory now (before the client's initial presence). */
    public synchronized int heldCount() {
        return held.size();
    }

    State state() {
        return state;
    }

    /**
     * Takes a packet for the session if it must wait; otherwise the caller sends it.
     *
     * @return whether the hold took it (it will go out in its turn)
     */
    public boolean take(Packet packet) {
        if (state == State.LIVE || !isStorable(packet)) {
            return false;
        }
        synchronized (this) {
            switch (state) {
                case HOLDING: {
                    Message message = (Message) packet;
                    int size = message.getElement().asXML().length();
                    if (held.size() >= maxMessages || heldBytes + size > maxBytes) {
                        LOG.info("{}: more messages arrived before the client's initial presence than may wait ({} messages); "
                                + "they go out now", username, held.size());
                        releaseLocked();
                        return false;
                    }
                    held.add(message.createCopy()); // a router may hand the same object to other sessions
                    heldBytes += size;
                    return true;
                }
                case DRAINING:
                    if (storage.append(username, (Message) packet)) {
                        return true;
                    }
                    LOG.info("{}: offline storage is full while its messages are delivered; a newer message goes out at once", username);
                    return false;
                default:
                    return false;
            }
        }
    }

    /**
     * The offline messages are about to be delivered: what waits here is appended to storage behind
     * them, and so is every storable message until {@link #finishDraining}.
     */
    public synchronized void beginDraining() {
        if (state != State.HOLDING) {
            return;
        }
        Message message;
        while ((message = held.poll()) != null) {
            if (!storage.append(username, message)) {
                out.accept(message);
            }
        }
        heldBytes = 0;
        state = State.DRAINING;
    }

    /**
     * Ends the draining if storage holds nothing more for the user (asked under this hold's lock, so no
     * message is being appended meanwhile).
     *
     * @return whether the session is live now; {@code false}: more messages wait, deliver them and ask again
     */
    public synchronized boolean finishDraining(BooleanSupplier storageEmpty) {
        if (state != State.DRAINING) {
            return true;
        }
        if (!storageEmpty.getAsBoolean()) {
            return false;
        }
        state = State.LIVE;
        return true;
    }

    /**
     * Messages were found in storage after the session went live (kept there while the cluster was
     * split): storable messages are appended behind them again until {@link #finishDraining}.
     *
     * @return whether the caller is the one to deliver them; {@code false} if a delivery is under way or
     *         the session has not gone live yet
     */
    public synchronized boolean reopen() {
        if (state != State.LIVE) {
            return false;
        }
        state = State.DRAINING;
        return true;
    }

    /** Ends the hold without a delivery from storage: what waits goes out, in order, then everything at once. */
    public synchronized void release() {
        releaseLocked();
    }

    /** The session ended: the messages that wait here, in order, for the caller to keep (none are sent). */
    public synchronized List<Message> close() {
        List<Message> left = new ArrayList<>(held);
        held.clear();
        heldBytes = 0;
        state = State.LIVE;
        return left;
    }

    private void releaseLocked() {
        if (state != State.HOLDING) {
            return;
        }
        Message message;
        while ((message = held.poll()) != null) {
            out.accept(message);
        }
        heldBytes = 0;
        state = State.LIVE;
    }

    /** Whether offline storage would keep this packet: a chat or normal message. */
    static boolean isStorable(Packet packet) {
        if (!(packet instanceof Message message)) {
            return false;
        }
        Message.Type type = message.getType();
        // an archive result (XEP-0313) answers the client's own query and goes out with its reply, never to storage
        return (type == Message.Type.chat || type == Message.Type.normal)
                && message.getElement().element(org.dom4j.QName.get("result", "urn:xmpp:mam:2")) == null;
    }
}
