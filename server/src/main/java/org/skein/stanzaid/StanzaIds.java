package org.skein.stanzaid;

import java.util.Optional;
import org.dom4j.Element;
import org.dom4j.QName;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;

/**
 * The elements of XEP-0359 on messages: the server's {@code <stanza-id/>} and the client's
 * {@code <origin-id/>}. Stateless.
 */
public final class StanzaIds {

    /** The namespace of XEP-0359, also advertised in service discovery. */
    public static final String NAMESPACE = "urn:xmpp:sid:0";
    private static final QName STANZA_ID = QName.get("stanza-id", NAMESPACE);
    private static final QName ORIGIN_ID = QName.get("origin-id", NAMESPACE);

    private StanzaIds() {
    }

    /** Adds {@code <stanza-id by=by id=id/>} to a message. */
    public static void stamp(Message message, JID by, String id) {
        message.getElement().addElement(STANZA_ID).addAttribute("by", by.toBareJID()).addAttribute("id", id);
    }

    /** The id a message carries that {@code by} stamped, if any. */
    public static Optional<String> stanzaId(Message message, JID by) {
        String bare = by.toBareJID();
        for (Element e : message.getElement().elements(STANZA_ID)) {
            if (bare.equals(e.attributeValue("by"))) {
                return Optional.ofNullable(e.attributeValue("id"));
            }
        }
        return Optional.empty();
    }

    /** The client's {@code <origin-id id=.../>}, if it sent one. */
    public static Optional<String> originId(Message message) {
        Element origin = message.getElement().element(ORIGIN_ID);
        return origin == null ? Optional.empty() : Optional.ofNullable(origin.attributeValue("id"));
    }

    /**
     * Removes every {@code <stanza-id/>} whose {@code by} is {@code domain} or an address at it (this
     * server or one of its accounts): only this server may say which ids it gave (XEP-0359 section 4).
     * Others' stanza ids (another server's, a room's on another domain) stay.
     *
     * @return whether something was removed
     */
    public static boolean stripForged(Message message, String domain) {
        boolean removed = false;
        for (Element e : new java.util.ArrayList<>(message.getElement().elements(STANZA_ID))) {
            if (namesDomain(e.attributeValue("by"), domain)) {
                message.getElement().remove(e);
                removed = true;
            }
        }
        return removed;
    }

    private static boolean namesDomain(String by, String domain) {
        if (by == null) {
            return true; // a stanza-id without by is malformed: not the client's to send either
        }
        try {
            return domain.equals(new JID(by).getDomain());
        } catch (IllegalArgumentException e) {
            return true;
        }
    }
}
