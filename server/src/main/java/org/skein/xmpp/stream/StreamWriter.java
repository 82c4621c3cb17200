package org.skein.xmpp.stream;

import org.dom4j.Element;
import org.skein.xmpp.Namespaces;
import org.xmpp.packet.StreamError;

/** Writes the parts of a stream that are not stanzas: the header, features, errors and the end tag. */
public final class StreamWriter {

    private StreamWriter() {
    }

    /** The server's stream header (RFC 6120 section 4.7), with the XML declaration. */
    public static String header(String domain, String streamId, String to, String lang) {
        StringBuilder sb = new StringBuilder(256);
        sb.append("<?xml version='1.0'?><stream:stream xmlns='").append(Namespaces.CLIENT)
                .append("' xmlns:stream='").append(Namespaces.STREAM).append("' from='").append(escape(domain))
                .append("' id='").append(escape(streamId)).append("' version='1.0' xml:lang='")
                .append(escape(lang == null || lang.isEmpty() ? "en" : lang)).append('\'');
        if (to != null && !to.isEmpty()) {
            sb.append(" to='").append(escape(to)).append('\'');
        }
        return sb.append('>').toString();
    }

    /** A {@code <stream:features>} element holding the given children (already serialized). */
    public static String features(CharSequence children) {
        return "<stream:features>" + children + "</stream:features>";
    }

    /** A stream error element. */
    public static String error(StreamError.Condition condition, String text) {
        StringBuilder sb = new StringBuilder(160);
        sb.append("<stream:error><").append(condition.toXMPP()).append(" xmlns='").append(Namespaces.STREAM_ERRORS).append("'/>");
        if (text != null && !text.isEmpty()) {
            sb.append("<text xmlns='").append(Namespaces.STREAM_ERRORS).append("' xml:lang='en'>").append(escape(text)).append("</text>");
        }
        return sb.append("</stream:error>").toString();
    }

    /** The end of the server's stream. */
    public static String end() {
        return "</stream:stream>";
    }

    /** An element as XML. */
    public static String xml(Element element) {
        return element.asXML();
    }

    /** Escapes text for an XML attribute value or character data. */
    public static String escape(String text) {
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String replacement;
            switch (c) {
                case '&': replacement = "&amp;"; break;
                case '<': replacement = "&lt;"; break;
                case '>': replacement = "&gt;"; break;
                case '\'': replacement = "&apos;"; break;
                case '"': replacement = "&quot;"; break;
                default: replacement = null;
            }
            if (replacement != null) {
                if (sb == null) {
                    sb = new StringBuilder(text.length() + 16).append(text, 0, i);
                }
                sb.append(replacement);
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? text : sb.toString();
    }
}
