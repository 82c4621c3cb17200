package org.skein.xmpp.stream;

import com.fasterxml.aalto.stax.InputFactoryImpl;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Decides whether a stanza's XML (UTF-8 bytes) may be written to a client's stream as it is, without
 * being parsed into a packet and written again: only one well-formed {@code <message>} or {@code <iq>}
 * element, unprefixed, in strict UTF-8 ({@link Utf8Validator}), with no DTD and within the
 * {@linkplain StanzaLimits#CEILING ceiling} of nesting and attributes, qualifies. A presence never does (delivering one
 * updates what its session saw, which needs a look inside). The check is a streaming scan with no tree
 * built, several times cheaper than {@link StanzaParser}.
 */
public final class RawStanzas {

    /** Configured once, then only used to create readers: thread-safe. */
    private static final XMLInputFactory FACTORY = newFactory();

    private RawStanzas() {
    }

    private static XMLInputFactory newFactory() {
        XMLInputFactory factory = new InputFactoryImpl();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        return factory;
    }

    /**
     * Whether these bytes are one well-formed message or IQ that may be delivered as they are.
     * {@code false} for anything else (a presence, another element, bad bytes): the caller parses it.
     */
    public static boolean deliverableAsIs(byte[] xml) {
        if (xml.length < 6 || xml[0] != '<' || !(startsWith(xml, "<message") || startsWith(xml, "<iq"))) {
            return false; // the usual refusal (a presence) without creating a reader
        }
        if (Utf8Validator.firstInvalid(xml) >= 0) {
            return false;
        }
        StanzaLimits limits = StanzaLimits.CEILING;
        XMLStreamReader reader = null;
        try {
            reader = FACTORY.createXMLStreamReader(new java.io.ByteArrayInputStream(xml), "UTF-8");
            boolean root = false;
            int depth = 0;
            while (reader.hasNext()) {
                int event = reader.next();
                if (event == XMLStreamConstants.DTD || event == XMLStreamConstants.ENTITY_REFERENCE) {
                    return false;
                }
                if (event == XMLStreamConstants.END_ELEMENT) {
                    depth--;
                    continue;
                }
                if (event != XMLStreamConstants.START_ELEMENT) {
                    continue;
                }
                if (++depth > limits.maxDepth()
                        || reader.getAttributeCount() + reader.getNamespaceCount() > limits.maxAttributes()) {
                    return false;
                }
                if (!root) {
                    root = true;
                    String name = reader.getLocalName();
                    String prefix = reader.getPrefix();
                    if (!(name.equals("message") || name.equals("iq")) || (prefix != null && !prefix.isEmpty())) {
                        return false;
                    }
                }
            }
            return root;
        } catch (XMLStreamException | RuntimeException e) {
            return false;
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

    private static boolean startsWith(byte[] bytes, String ascii) {
        if (bytes.length <= ascii.length()) {
            return false;
        }
        for (int i = 0; i < ascii.length(); i++) {
            if (bytes[i] != ascii.charAt(i)) {
                return false;
            }
        }
        byte after = bytes[ascii.length()];
        return after == ' ' || after == '>' || after == '/' || after == '\t' || after == '\n' || after == '\r';
    }
}
