package org.skein.xmpp;

import org.dom4j.Element;
import org.dom4j.QName;
import org.xmpp.packet.Packet;
import org.xmpp.packet.PacketError;

/**
 * Puts a stanza error (RFC 6120 section 8.3) into a packet the server sends. Tinder's
 * {@link Packet#setError} adds an {@code <error/>} element in no namespace; in a copy of a stanza that
 * came from a client stream (whose element is in {@code jabber:client}) that serializes as
 * {@code <error xmlns="">}, which clients cannot read. Here the error element gets the stanza's own
 * namespace, so it is written as a plain {@code <error>} child with its condition in
 * {@code urn:ietf:params:xml:ns:xmpp-stanzas}. Every error the server generates goes through here.
 */
public final class StanzaErrors {

    private StanzaErrors() {
    }

    /** Sets an error with the condition's default type; returns the packet. */
    public static <P extends Packet> P setError(P packet, PacketError.Condition condition) {
        return setError(packet, new PacketError(condition));
    }

    /** Sets an error with a type and an explanation for the sender (may be {@code null}); returns the packet. */
    public static <P extends Packet> P setError(P packet, PacketError.Condition condition, PacketError.Type type, String text) {
        return setError(packet, text == null ? new PacketError(condition, type) : new PacketError(condition, type, text));
    }

    /** Sets an error; returns the packet. */
    public static <P extends Packet> P setError(P packet, PacketError error) {
        packet.setError(error);
        Element stanza = packet.getElement();
        Element added = stanza.element("error");
        if (added != null && !added.getNamespaceURI().equals(stanza.getNamespaceURI())) {
            added.setQName(QName.get("error", stanza.getNamespace()));
        }
        return packet;
    }
}
