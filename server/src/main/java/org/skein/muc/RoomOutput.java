package org.skein.muc;

import java.util.ArrayList;
import java.util.List;
import org.skein.cluster.NodeID;
import org.xmpp.packet.JID;
import org.xmpp.packet.Packet;

/**
 * What one step of a room sends, in order: stanzas for occupants' sessions (each with the node that
 * holds the session), and stanzas for other addresses (invitations, declines), which go through the
 * node's message router. A stanza here has no {@code to}: it is set per recipient on delivery. Belongs
 * to the room's thread until it is handed to the {@link Fanout}.
 */
final class RoomOutput {

    /** A session that gets a stanza: its full JID and the node that holds it. */
    record Recipient(JID jid, NodeID node) {
    }

    /** One stanza for one or more sessions. */
    record Send(Packet stanza, List<Recipient> recipients) {
    }

    private final List<Send> sends = new ArrayList<>();
    private final List<Packet> routed = new ArrayList<>();
    /** How the room's live state changed in this step, in order (see {@link #changes()}). */
    private final List<Object> changes = new ArrayList<>();
    private boolean resync;

    /** A nickname that left the room. */
    record Removal(String nick) {
    }

    void send(Packet stanza, Recipient recipient) {
        sends.add(new Send(stanza, List.of(recipient)));
    }

    void send(Packet stanza, List<Recipient> recipients) {
        if (!recipients.isEmpty()) {
            sends.add(new Send(stanza, List.copyOf(recipients)));
        }
    }

    /** A stanza for an address that is not an occupant (its {@code to} is set): routed by the node's rules. */
    void route(Packet stanza) {
        routed.add(stanza);
    }

    /** Records an occupant's state after a change (for the room's replicas on other nodes). */
    void occupantChanged(Occupant occupant) {
        changes.add(OccupantState.of(occupant));
    }

    /** Records that a nickname left the room. */
    void occupantRemoved(String nick) {
        changes.add(new Removal(nick));
    }

    /** Records a message added to the history. */
    void historyAdded(History.Entry entry) {
        changes.add(entry);
    }

    /** Records the room's new record (configuration, affiliations, subject). */
    void recordChanged(RoomRecord record) {
        changes.add(record);
    }

    /** Asks the fan-out to bring every node's copy of the room up to date, with or without stanzas for it. */
    void resync() {
        resync = true;
    }

    boolean isResync() {
        return resync;
    }

    /**
     * The changes of the room's live state, in order: {@link OccupantState} (joined or changed),
     * {@link Removal}, {@link History.Entry}, {@link RoomRecord}.
     */
    List<Object> changes() {
        return changes;
    }

    List<Send> sends() {
        return sends;
    }

    List<Packet> routed() {
        return routed;
    }

    boolean isEmpty() {
        return sends.isEmpty() && routed.isEmpty() && changes.isEmpty() && !resync;
    }
}
