package org.skein.session;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.dom4j.Element;
import org.xmpp.packet.JID;
import org.xmpp.packet.Presence;

/**
 * Client state indication (XEP-0352) for one session: while the client says it is inactive (a phone
 * in a pocket), presence updates for it wait here, only the newest per sender (full JID), in the order
 * of their last update; when it says it is active again they go out, then everything goes out at once.
 * Messages, IQs and subscription requests never wait; nor does a presence the client needs to go on:
 * its own presence, and a group chat room's answer to its own join (status 110).
 *
 * <p>Thread-safe. {@link #activate} writes what waited while holding this object's lock, so a newer
 * presence from the same sender cannot overtake it.
 */
final class ClientState {

    /** At most this many senders' presences wait; beyond that, what waits goes out (the client gets them all). */
    static final int MAX_HELD = 10_000;
    private static final String MUC_USER = "http://jabber.org/protocol/muc#user";

    private final JID self;
    private final Map<String, String> held = new LinkedHashMap<>();
    private boolean inactive;

    ClientState(JID self) {
        this.self = self;
    }

    /** Whether the client said it is inactive (and not active since). */
    synchronized boolean isInactive() {
        return inactive;
    }

    /** How many senders' presences wait now. */
    synchronized int heldCount() {
        return held.size();
    }

    /** The client says it is inactive: presence updates wait from now on. */
    synchronized void deactivate() {
        inactive = true;
    }

    /** The client says it is active: what waited is written through {@code out} (in order), then nothing waits. */
    synchronized void activate(Consumer<String> out) {
        inactive = false;
        flush(out);
    }

    /**
     * Takes a presence for the session if it may wait: the newest presence of its sender replaces the
     * one that waited.
     *
     * @return whether it was taken (else the caller sends it)
     */
    boolean hold(Presence presence, Consumer<String> out) {
        if (!isHoldable(presence)) {
            return false;
        }
        synchronized (this) {
            if (!inactive) {
                return false;
            }
            String from = presence.getFrom().toString();
            held.remove(from);
            held.put(from, presence.toXML());
            if (held.size() > MAX_HELD) {
                flush(out);
            }
            return true;
        }
    }

    private void flush(Consumer<String> out) {
        List<String> waiting = new ArrayList<>(held.values());
        held.clear();
        waiting.forEach(out);
    }

    private boolean isHoldable(Presence presence) {
        Presence.Type type = presence.getType();
        if ((type != null && type != Presence.Type.unavailable) || presence.getFrom() == null || self.equals(presence.getFrom())) {
            return false;
        }
        for (Element x : presence.getElement().elements("x")) {
            if (MUC_USER.equals(x.getNamespaceURI())) {
                for (Element status : x.elements("status")) {
                    if ("110".equals(status.attributeValue("code"))) {
                        return false;
                    }
                }
            }
        }
        return true;
    }
}
