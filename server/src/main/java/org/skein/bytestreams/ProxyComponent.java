package org.skein.bytestreams;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.dom4j.Element;
import org.skein.component.LocalComponent;
import org.skein.iq.IqErrors;
import org.skein.routing.RoutingTable;
import org.skein.xmpp.Namespaces;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.Packet;
import org.xmpp.packet.PacketError;

/**
 * The proxy's XMPP side at {@code proxy.<domain>} (XEP-0065 sections 4 and 6.3): identity
 * {@code proxy/bytestreams} in {@code disco#info}, this node's relay address as the streamhost, and
 * activation. Answers go back to the asking client through the routing table; other IQ requests get
 * {@code service-unavailable}, messages and presences are ignored.
 */
final class ProxyComponent implements LocalComponent {

    static final String BYTESTREAMS = "http://jabber.org/protocol/bytestreams";

    private final String domain;
    private final JID address;
    private final Socks5Relay relay;
    private final String host;
    private final RoutingTable routingTable;

    ProxyComponent(String domain, Socks5Relay relay, String host, RoutingTable routingTable) {
        this.domain = domain;
        this.address = new JID(null, domain, null, true);
        this.relay = relay;
        this.host = host;
        this.routingTable = routingTable;
    }

    @Override
    public String domain() {
        return domain;
    }

    @Override
    public String name() {
        return "SOCKS5 Bytestreams Proxy";
    }

    @Override
    public void process(Packet packet) {
        if (!(packet instanceof IQ iq) || !iq.isRequest() || iq.getFrom() == null) {
            return;
        }
        IQ reply = answer(iq);
        reply.setFrom(iq.getTo() == null ? address : iq.getTo());
        routingTable.routeToFullJid(iq.getFrom(), reply);
    }

    private IQ answer(IQ request) {
        Element child = request.getChildElement();
        String namespace = child == null ? "" : child.getNamespaceURI();
        boolean toService = request.getTo() != null && request.getTo().getNode() == null && request.getTo().getResource() == null;
        if (!toService) {
            return error(request, PacketError.Condition.service_unavailable);
        }
        if (Namespaces.DISCO_INFO.equals(namespace) && request.getType() == IQ.Type.get && child.attributeValue("node") == null) {
            IQ reply = IqErrors.result(request, address);
            Element query = reply.setChildElement("query", Namespaces.DISCO_INFO);
            query.addElement("identity").addAttribute("category", "proxy").addAttribute("type", "bytestreams")
                    .addAttribute("name", name());
            query.addElement("feature").addAttribute("var", Namespaces.DISCO_INFO);
            query.addElement("feature").addAttribute("var", BYTESTREAMS);
            return reply;
        }
        if (Namespaces.DISCO_ITEMS.equals(namespace) && request.getType() == IQ.Type.get && child.attributeValue("node") == null) {
            IQ reply = IqErrors.result(request, address);
            reply.setChildElement("query", Namespaces.DISCO_ITEMS);
            return reply;
        }
        if (BYTESTREAMS.equals(namespace) && request.getType() == IQ.Type.get) {
            IQ reply = IqErrors.result(request, address);
            reply.setChildElement("query", BYTESTREAMS).addElement("streamhost").addAttribute("jid", domain)
                    .addAttribute("host", host).addAttribute("port", Integer.toString(relay.port()));
            return reply;
        }
        if (BYTESTREAMS.equals(namespace) && request.getType() == IQ.Type.set) {
            return activate(request, child);
        }
        return error(request, PacketError.Condition.service_unavailable);
    }

    /** Section 6.3.5: the initiator asks to relay its stream to the target. */
    private IQ activate(IQ request, Element query) {
        String sid = query.attributeValue("sid");
        String target = query.elementTextTrim("activate");
        if (sid == null || sid.isEmpty() || target == null || target.isEmpty()) {
            return error(request, PacketError.Condition.bad_request);
        }
        JID targetJid;
        try {
            targetJid = new JID(target);
        } catch (IllegalArgumentException e) {
            return error(request, PacketError.Condition.jid_malformed);
        }
        String digest = digest(sid, request.getFrom().toString(), targetJid.toString());
        if (!relay.activate(digest)) {
            // the target and the initiator must both be connected to this node's relay with this stream's digest
            return error(request, PacketError.Condition.item_not_found);
        }
        return IqErrors.result(request, address);
    }

    /**
     * An error without the request's payload: Smack 4.4 cannot parse a bytestreams query with an
     * {@code <activate/>} in an error and drops the connection.
     */
    private static IQ error(IQ request, PacketError.Condition condition) {
        IQ reply = IQ.createResultIQ(request);
        reply.setError(condition);
        return reply;
    }

    /** SHA-1 of session id, initiator and target, as lower-case hex (section 5.3.2). */
    static String digest(String sid, String initiator, String target) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            return HexFormat.of().formatHex(sha1.digest((sid + initiator + target).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK offers no SHA-1", e);
        }
    }
}
