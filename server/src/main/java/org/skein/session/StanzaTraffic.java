package org.skein.session;

import java.util.concurrent.atomic.LongAdder;
import org.xmpp.packet.IQ;
import org.xmpp.packet.Message;
import org.xmpp.packet.Packet;
import org.xmpp.packet.Presence;

/**
 * Counts the stanzas this node's client sessions sent and were sent, by kind: what an operator's
 * metrics show as stanzas in and out. Counting costs one uncontended {@link LongAdder} increment.
 * Thread-safe.
 */
public final class StanzaTraffic {

    /** The three kinds of stanza. */
    public enum Kind { MESSAGE, PRESENCE, IQ }

    private final LongAdder[] received = adders();
    private final LongAdder[] sent = adders();

    /** A stanza a local client sent to the server. */
    public void received(Packet packet) {
        Kind kind = kindOf(packet);
        if (kind != null) {
            received[kind.ordinal()].increment();
        }
    }

    /** A stanza written to a local client. */
    void sent(Packet packet) {
        Kind kind = kindOf(packet);
        if (kind != null) {
            sent[kind.ordinal()].increment();
        }
    }

    /** A stanza written to a local client as XML that another node serialized. */
    void sentXml(String xml) {
        Kind kind = xml.startsWith("<message") ? Kind.MESSAGE : xml.startsWith("<iq") ? Kind.IQ
                : xml.startsWith("<presence") ? Kind.PRESENCE : null;
        if (kind != null) {
            sent[kind.ordinal()].increment();
        }
    }

    /** Stanzas of this kind local clients sent since the node started. */
    public long receivedCount(Kind kind) {
        return received[kind.ordinal()].sum();
    }

    /** Stanzas of this kind written to local clients since the node started. */
    public long sentCount(Kind kind) {
        return sent[kind.ordinal()].sum();
    }

    private static Kind kindOf(Packet packet) {
        if (packet instanceof Message) {
            return Kind.MESSAGE;
        }
        if (packet instanceof Presence) {
            return Kind.PRESENCE;
        }
        return packet instanceof IQ ? Kind.IQ : null;
    }

    private static LongAdder[] adders() {
        LongAdder[] adders = new LongAdder[Kind.values().length];
        for (int i = 0; i < adders.length; i++) {
            adders[i] = new LongAdder();
        }
        return adders;
    }
}
