package org.skein.xmpp.stream;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import org.dom4j.Element;
import org.dom4j.Node;

/**
 * How big a stanza may be: bytes, element nesting and attributes per element. A client's stream is
 * checked against the node's configured limits while it is parsed ({@link XmlStreamDecoder}); stanzas
 * that come back from another node or from storage are checked against the {@linkplain #CEILING
 * ceilings} (the largest values an operator may configure), so that whatever a node once accepted is
 * read back everywhere, and nothing deeper ever reaches the recursive serializer.
 *
 * @param maxBytes the largest top-level element, in bytes
 * @param maxDepth how deeply elements may nest; the stanza itself is level 1
 * @param maxAttributes attributes plus namespace declarations on one element
 */
public record StanzaLimits(int maxBytes, int maxDepth, int maxAttributes) {

    /** The defaults of {@code xmpp.stanza.maxSize}, {@code xmpp.stanza.maxDepth}, {@code xmpp.stanza.maxAttributes}. */
    public static final StanzaLimits DEFAULT = new StanzaLimits(256 * 1024, 64, 64);
    /** The largest limits that may be configured; what stanzas from other nodes and storage are held to. */
    public static final StanzaLimits CEILING = new StanzaLimits(Integer.MAX_VALUE, 256, 1024);

    public StanzaLimits {
        if (maxBytes < 1 || maxDepth < 1 || maxAttributes < 1) {
            throw new IllegalArgumentException("stanza limits must be positive");
        }
    }

    /**
     * Checks an element tree without recursion.
     *
     * @throws IllegalArgumentException naming the limit that the element breaks
     */
    public void check(Element root) {
        Deque<Iterator<Node>> path = new ArrayDeque<>();
        checkAttributes(root);
        path.push(root.nodeIterator());
        while (!path.isEmpty()) {
            Iterator<Node> children = path.peek();
            if (!children.hasNext()) {
                path.pop();
                continue;
            }
            Node child = children.next();
            if (child instanceof Element element) {
                if (path.size() + 1 > maxDepth) {
                    throw new IllegalArgumentException("elements are nested deeper than " + maxDepth + " levels");
                }
                checkAttributes(element);
                path.push(element.nodeIterator());
            }
        }
    }

    private void checkAttributes(Element element) {
        if (element.attributeCount() + element.declaredNamespaces().size() > maxAttributes) {
            throw new IllegalArgumentException("<" + element.getName() + "> has more than " + maxAttributes + " attributes");
        }
    }
}
