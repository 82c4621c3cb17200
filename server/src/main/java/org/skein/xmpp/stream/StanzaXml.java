package org.skein.xmpp.stream;

import org.dom4j.Attribute;
import org.dom4j.Element;
import org.dom4j.Namespace;
import org.dom4j.Node;
import org.xmpp.packet.Packet;

/**
 * Writes a stanza's element as XML text, the same text as dom4j's {@code asXML()} (which is what
 * {@link Packet#toXML()} calls), without what that costs per call: a new {@code XMLWriter}, its
 * {@code OutputFormat}, a {@code StringWriter} (a synchronized {@code StringBuffer}) and a namespace stack
 * of objects. A delivered stanza is serialized once per recipient on the processing threads (and once more
 * when it is archived); a profile of one node under message ping-pong put about 30% of those threads' time
 * in dom4j's writer.
 *
 * <p>Same output as dom4j: double-quoted attributes; {@code &lt; &gt; &amp;} escaped in text, and
 * {@code &quot;} too in attribute values; tab, line feed and carriage return written as they are; other
 * characters below U+0020 as numeric references; an element without any content node written as
 * {@code <name/>}; a namespace declared on the first element that needs it (its own namespace, then its
 * additional declarations, then the namespaces of its attributes), never the {@code xml} prefix; a CDATA
 * section (only in a tree parsed from stored text) as it came. An element holding anything else (a comment,
 * a processing instruction, an entity reference: never in a client's stanza) is left to dom4j.
 *
 * <p>Stateless and thread-safe.
 */
public final class StanzaXml {

    private StanzaXml() {
    }

    /** The packet's XML, as {@link Packet#toXML()} gives it. */
    public static String toXml(Packet packet) {
        return toXml(packet.getElement());
    }

    /** The element's XML, as {@link Element#asXML()} gives it. */
    public static String toXml(Element element) {
        StringBuilder out = new StringBuilder(256);
        if (!write(element, out, Scope.ROOT)) {
            return element.asXML();
        }
        return out.toString();
    }

    /** The namespace bindings in scope: a prefix and its URI, then the enclosing ones. */
    private record Scope(String prefix, String uri, Scope outer) {
        static final Scope ROOT = new Scope("", "", null);

        String uriOf(String wanted) {
            for (Scope s = this; s != null; s = s.outer) {
                if (s.prefix.equals(wanted)) {
                    return s.uri;
                }
            }
            return null;
        }
    }

    /** @return false if the element holds a node this writer leaves to dom4j */
    private static boolean write(Element element, StringBuilder out, Scope scope) {
        String name = element.getQualifiedName();
        out.append('<').append(name);
        Scope inner = scope;
        Namespace own = element.getNamespace();
        if (needsDeclaration(own, inner)) {
            inner = declare(own, inner, out);
        }
        int count = element.nodeCount();
        for (int i = 0; i < count; i++) {
            if (element.node(i) instanceof Namespace extra && extra != own && needsDeclaration(extra, inner)) {
                inner = declare(extra, inner, out);
            }
        }
        for (int i = 0, n = element.attributeCount(); i < n; i++) {
            Attribute attribute = element.attribute(i);
            Namespace ns = attribute.getNamespace();
            if (ns != null && !ns.getURI().isEmpty() && !"xml".equals(ns.getPrefix())
                    && !ns.getURI().equals(inner.uriOf(ns.getPrefix()))) {
                inner = declare(ns, inner, out);
            }
            out.append(' ').append(attribute.getQualifiedName()).append("=\"");
            escape(attribute.getValue(), true, out);
            out.append('"');
        }
        if (count == 0) {
            out.append("/>");
            return true;
        }
        out.append('>');
        for (int i = 0; i < count; i++) {
            Node node = element.node(i);
            switch (node.getNodeType()) {
                case Node.ELEMENT_NODE -> {
                    if (!write((Element) node, out, inner)) {
                        return false;
                    }
                }
                case Node.TEXT_NODE -> escape(node.getText(), false, out);
                case Node.CDATA_SECTION_NODE -> out.append("<![CDATA[").append(node.getText()).append("]]>");
                case Node.NAMESPACE_NODE -> {
                }
                default -> {
                    return false;
                }
            }
        }
        out.append("</").append(name).append('>');
        return true;
    }

    private static boolean needsDeclaration(Namespace ns, Scope scope) {
        if (ns == null || "xml".equals(ns.getPrefix())) {
            return false;
        }
        return !ns.getURI().equals(scope.uriOf(ns.getPrefix()));
    }

    private static Scope declare(Namespace ns, Scope scope, StringBuilder out) {
        String prefix = ns.getPrefix();
        out.append(prefix.isEmpty() ? " xmlns=\"" : " xmlns:").append(prefix.isEmpty() ? "" : prefix + "=\"");
        escape(ns.getURI(), true, out);
        out.append('"');
        return new Scope(prefix, ns.getURI(), scope);
    }

    private static void escape(String text, boolean attribute, StringBuilder out) {
        int length = text.length();
        int start = 0;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            String entity;
            switch (c) {
                case '<' -> entity = "&lt;";
                case '>' -> entity = "&gt;";
                case '&' -> entity = "&amp;";
                case '"' -> entity = attribute ? "&quot;" : null;
                case '\t', '\n', '\r' -> entity = null;
                default -> entity = c < 0x20 ? "&#" + (int) c + ";" : null;
            }
            if (entity != null) {
                out.append(text, start, i).append(entity);
                start = i + 1;
            }
        }
        out.append(text, start, length);
    }
}
