package org.skein.xmpp.stream;

import java.io.StringReader;
import org.dom4j.Document;
import org.dom4j.DocumentException;
import org.dom4j.Element;
import org.dom4j.io.SAXReader;
import org.xml.sax.SAXException;
import org.xmpp.packet.IQ;
import org.xmpp.packet.Message;
import org.xmpp.packet.Packet;
import org.xmpp.packet.Presence;

/**
 * Parses one stanza kept as XML text (offline messages, presences in the session cache, stanzas from
 * other nodes) back into a packet. DTDs are refused, so stored text can never pull in entities;
 * characters XML does not allow are refused by the parser; and the tree must stay within the
 * {@linkplain StanzaLimits#CEILING ceiling} of nesting and attributes, so nothing that a client's
 * stream could not have carried reaches the (recursive) serializer.
 */
public final class StanzaParser {

    /**
     * One reader per thread: creating one looks up and builds a SAX parser (tens of microseconds), which
     * would dominate the parsing of a stanza on the cluster's message path. A reader is reused only by
     * its own thread, one document at a time.
     */
    private static final ThreadLocal<SAXReader> READERS = ThreadLocal.withInitial(StanzaParser::newReader);

    private StanzaParser() {
    }

    private static SAXReader newReader() {
        try {
            SAXReader reader = SAXReader.createDefault();
            reader.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return reader;
        } catch (SAXException e) {
            throw new IllegalStateException("the XML parser cannot refuse DTDs", e);
        }
    }

    /** Parses an element. @throws IllegalArgumentException if the text is not one well-formed element */
    public static Element parseElement(String xml) {
        try {
            Document document = READERS.get().read(new StringReader(xml));
            Element root = document.getRootElement();
            root.detach();
            StanzaLimits.CEILING.check(root);
            return root;
        } catch (DocumentException e) {
            throw new IllegalArgumentException("not a stanza: " + e.getMessage(), e);
        }
    }

    /** Parses a stanza into the packet of its kind. */
    public static Packet parsePacket(String xml) {
        Element element = parseElement(xml);
        switch (element.getName()) {
            case "message": return new Message(element, true);
            case "presence": return new Presence(element, true);
            case "iq": return new IQ(element, true);
            default: throw new IllegalArgumentException("not a stanza: <" + element.getName() + ">");
        }
    }
}
