package org.skein.net.websocket;

import com.fasterxml.aalto.stax.InputFactoryImpl;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import java.nio.charset.StandardCharsets;
import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.skein.xmpp.Namespaces;
import org.skein.xmpp.stream.StreamWriter;

/**
 * A client's {@code <open/>} or {@code <close/>} (RFC 7395 section 3.3) and the bytes of the XML stream
 * that stand for it: the stream header that {@code <open/>} replaces, or the end tag. The XML stream
 * decoder then sees a stream like a TCP client's, and checks it by the same rules.
 *
 * @param open true for {@code <open/>}, false for {@code <close/>}
 * @param to the {@code to} attribute, or null
 * @param from the {@code from} attribute, or null
 * @param version the {@code version} attribute, or null
 * @param lang the {@code xml:lang} attribute, or null
 */
record FramingElement(boolean open, String to, String from, String version, String lang) {

    /** Configured once, then only used to create readers: thread-safe. */
    private static final XMLInputFactory FACTORY = newFactory();
    private static final String END = "</stream:stream>";

    private static XMLInputFactory newFactory() {
        XMLInputFactory factory = new InputFactoryImpl();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        return factory;
    }

    /**
     * The framing element a message holds, or null if it holds anything else (a stanza, or bytes that
     * are not one empty {@code <open/>} or {@code <close/>} element: the XML stream decoder judges them).
     * Only messages that start with {@code <open}, {@code <close} or an XML declaration are parsed.
     */
    static FramingElement read(ByteBuf message) {
        if (!(startsWith(message, "<open") || startsWith(message, "<close") || startsWith(message, "<?xml"))) {
            return null;
        }
        XMLStreamReader reader = null;
        try {
            reader = FACTORY.createXMLStreamReader(new ByteBufInputStream(message.duplicate()), "UTF-8");
            FramingElement found = null;
            while (reader.hasNext()) {
                int event = reader.next();
                switch (event) {
                    case XMLStreamConstants.START_ELEMENT:
                        if (found != null || !WebSocketFraming.FRAMING.equals(reader.getNamespaceURI())) {
                            return null;
                        }
                        String name = reader.getLocalName();
                        if (!name.equals("open") && !name.equals("close")) {
                            return null;
                        }
                        found = new FramingElement(name.equals("open"), attribute(reader, "", "to"), attribute(reader, "", "from"),
                                attribute(reader, "", "version"), attribute(reader, XMLConstants.XML_NS_URI, "lang"));
                        if (reader.next() != XMLStreamConstants.END_ELEMENT) {
                            return null; // <open> with children is not a stream header
                        }
                        break;
                    case XMLStreamConstants.SPACE:
                    case XMLStreamConstants.END_DOCUMENT:
                        break;
                    case XMLStreamConstants.CHARACTERS:
                        if (!reader.isWhiteSpace()) {
                            return null;
                        }
                        break;
                    default:
                        return null; // a comment, a processing instruction, a DTD: the decoder refuses them
                }
            }
            return found;
        } catch (XMLStreamException | RuntimeException e) {
            return null;
        } finally {
            if (reader != null) {
                try {
                    reader.close();
                } catch (XMLStreamException ignored) {
                    // nothing was opened that needs closing
                }
            }
        }
    }

    /** The XML stream's equivalent: the stream header for {@code <open/>}, the end tag for {@code <close/>}. */
    byte[] streamBytes() {
        if (!open) {
            return END.getBytes(StandardCharsets.US_ASCII);
        }
        StringBuilder sb = new StringBuilder(192);
        sb.append("<stream:stream xmlns='").append(Namespaces.CLIENT).append("' xmlns:stream='").append(Namespaces.STREAM).append('\'');
        appendAttribute(sb, "to", to);
        appendAttribute(sb, "from", from);
        appendAttribute(sb, "version", version);
        appendAttribute(sb, "xml:lang", lang);
        return sb.append('>').toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void appendAttribute(StringBuilder sb, String name, String value) {
        if (value != null) {
            sb.append(' ').append(name).append("='").append(StreamWriter.escape(value)).append('\'');
        }
    }

    private static String attribute(XMLStreamReader reader, String namespace, String name) {
        for (int i = 0; i < reader.getAttributeCount(); i++) {
            String ns = reader.getAttributeNamespace(i);
            if (name.equals(reader.getAttributeLocalName(i)) && namespace.equals(ns == null ? "" : ns)) {
                return reader.getAttributeValue(i);
            }
        }
        return null;
    }

    private static boolean startsWith(ByteBuf buf, String ascii) {
        int start = buf.readerIndex();
        if (buf.readableBytes() < ascii.length()) {
            return false;
        }
        for (int i = 0; i < ascii.length(); i++) {
            if (buf.getByte(start + i) != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
