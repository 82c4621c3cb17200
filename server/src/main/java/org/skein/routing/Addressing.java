package org.skein.routing;

import org.xmpp.packet.JID;
import org.xmpp.packet.Packet;

/**
 * How a stanza that goes to several recipients at once (one entry in a batch to another node) is
 * addressed to each of them: the stanza crosses once and the destination sets its {@code to} per
 * recipient.
 */
public enum Addressing {
    /** The stanza is delivered as it is (its {@code to} is not changed): a message to a user's bare JID for several of its resources. */
    AS_IS,
    /** Each recipient gets the stanza addressed to its bare JID (a user's presence broadcast to a contact). */
    TO_BARE,
    /** Each recipient gets the stanza addressed to its full JID (message carbons for a user's resources). */
    TO_FULL;

    /** The stanza for one recipient: {@code packet} itself (as is) or a copy addressed to the recipient. */
    public Packet address(Packet packet, JID recipient) {
        if (this == AS_IS) {
            return packet;
        }
        Packet copy = packet.createCopy();
        copy.setTo(this == TO_BARE ? recipient.asBareJID() : recipient);
        return copy;
    }

    /** The byte that stands for it on the wire. */
    public byte code() {
        return (byte) ordinal();
    }

    /**
     * @throws IllegalArgumentException for a byte that stands for none
     */
    public static Addressing of(byte code) {
        if (code < 0 || code >= values().length) {
            throw new IllegalArgumentException("no addressing " + code);
        }
        return values()[code];
    }
}
