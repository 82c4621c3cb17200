package org.skein.privatedata;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.dom4j.Element;
import org.skein.config.ConfigException;
import org.skein.config.ServerConfig;
import org.skein.iq.IqErrors;
import org.skein.iq.IqHandler;
import org.skein.session.LocalClientSession;
import org.skein.xmpp.stream.StanzaParser;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.PacketError;

/**
 * {@code jabber:iq:private} (XEP-0049):
 * <ul>
 *   <li>get: the query names one namespace by an (empty) element in it; the answer holds what is
 *       stored in that namespace, or the element asked with as it was when nothing is;</li>
 *   <li>set: the query's elements replace what is stored in their namespaces (several elements of one
 *       namespace are kept together);</li>
 *   <li>errors: a query with no element, a get with more than one, an element without a namespace or
 *       in a reserved one ({@code jabber:*}, {@code http://jabber.org/*}, {@code vcard-temp}):
 *       {@code not-acceptable}; a request to anyone's JID but the user's own: {@code forbidden};
 *       more than {@code privatedata.maxSize} bytes for the account (all namespaces together):
 *       {@code not-acceptable} with a text naming the limit.</li>
 * </ul>
 * Thread-safe; blocks on the store.
 */
public final class PrivateXmlHandler implements IqHandler {

    public static final String NAMESPACE = "jabber:iq:private";
    /** The most private XML an account keeps, all namespaces together, in bytes. */
    public static final String MAX_SIZE_KEY = "privatedata.maxSize";
    static final long DEFAULT_MAX_SIZE = 512 * 1024;
    /** What the database column holds for one namespace. */
    static final long LARGEST_MAX_SIZE = 10L * 1024 * 1024;
    /** The length of the namespace column. */
    private static final int MAX_NAMESPACE_LENGTH = 1023;

    private final JID serverJid;
    private final PrivateXmlStore store;
    private final long maxSize;

    /** @param maxSize the most private XML an account keeps, in bytes */
    public PrivateXmlHandler(JID serverJid, PrivateXmlStore store, long maxSize) {
        this.serverJid = Objects.requireNonNull(serverJid, "serverJid");
        this.store = Objects.requireNonNull(store, "store");
        if (maxSize < 1 || maxSize > LARGEST_MAX_SIZE) {
            throw new IllegalArgumentException("maxSize " + maxSize + " is not within 1.." + LARGEST_MAX_SIZE);
        }
        this.maxSize = maxSize;
    }

    /**
     * The limit {@value #MAX_SIZE_KEY} of a node's configuration (default 512KiB).
     *
     * @throws ConfigException if it is not a size from 1 byte to 10MiB
     */
    public static long maxSize(ServerConfig config) {
        return config.getByteSize(MAX_SIZE_KEY, DEFAULT_MAX_SIZE, 1, LARGEST_MAX_SIZE, "a size from 1 to 10MiB such as 512KiB");
    }

    @Override
    public String namespace() {
        return NAMESPACE;
    }

    /** Answers requests to a user's bare JID too, so that a request for another user's data gets {@code forbidden}. */
    @Override
    public boolean answersForUsers() {
        return true;
    }

    @Override
    public IQ handle(IQ request, LocalClientSession session) {
        JID to = request.getTo();
        if (to != null && !to.toBareJID().equals(session.address().toBareJID())) {
            return IqErrors.error(request, PacketError.Condition.forbidden, serverJid);
        }
        Element query = request.getChildElement();
        List<Element> elements = query.elements();
        if (!"query".equals(query.getName()) || elements.isEmpty()
                || (request.getType() == IQ.Type.get && elements.size() > 1)) {
            return notAcceptable(request, "the query must hold " + (request.getType() == IQ.Type.get ? "one element" : "elements")
                    + " qualified by the namespace to " + (request.getType() == IQ.Type.get ? "read" : "store"));
        }
        for (Element element : elements) {
            String namespace = element.getNamespaceURI();
            if (reserved(namespace)) {
                return notAcceptable(request, "'" + namespace + "' is not a namespace private XML may be kept in");
            }
        }
        return request.getType() == IQ.Type.get ? get(request, session, elements.get(0)) : set(request, session, elements);
    }

    private IQ get(IQ request, LocalClientSession session, Element asked) {
        Optional<String> stored = store.find(session.username(), asked.getNamespaceURI());
        IQ reply = IqErrors.result(request, serverJid);
        if (stored.isEmpty()) {
            Element query = reply.setChildElement("query", NAMESPACE);
            query.add(asked.createCopy());
            return reply;
        }
        reply.setChildElement(StanzaParser.parseElement("<query xmlns='" + NAMESPACE + "'>" + stored.get() + "</query>"));
        return reply;
    }

    private IQ set(IQ request, LocalClientSession session, List<Element> elements) {
        Map<String, StringBuilder> byNamespace = new LinkedHashMap<>();
        for (Element element : elements) {
            byNamespace.computeIfAbsent(element.getNamespaceURI(), ns -> new StringBuilder()).append(element.createCopy().asXML());
        }
        Map<String, String> xml = new LinkedHashMap<>();
        byNamespace.forEach((namespace, builder) -> xml.put(namespace, builder.toString()));
        if (!store.put(session.username(), xml, maxSize)) {
            IQ reply = IqErrors.result(request, serverJid);
            reply.setChildElement("query", NAMESPACE); // the error does not echo the large data back
            reply.setError(new PacketError(PacketError.Condition.not_acceptable, PacketError.Type.modify,
                    "the private XML of this account would take more than the " + maxSize + " bytes this server keeps"));
            return reply;
        }
        return IqErrors.result(request, serverJid);
    }

    private static boolean reserved(String namespace) {
        return namespace == null || namespace.isEmpty() || namespace.length() > MAX_NAMESPACE_LENGTH
                || namespace.startsWith("jabber:") || namespace.startsWith("http://jabber.org/") || namespace.equals("vcard-temp");
    }

    private IQ notAcceptable(IQ request, String text) {
        return IqErrors.error(request, new PacketError(PacketError.Condition.not_acceptable, PacketError.Type.modify, text), serverJid);
    }
}
