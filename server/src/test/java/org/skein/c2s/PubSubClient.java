package org.skein.c2s;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jivesoftware.smack.XMPPException.XMPPErrorException;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.ExtensionElement;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StandardExtensionElement;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.jivesoftware.smackx.ping.PingManager;
import org.jivesoftware.smackx.pubsub.PayloadItem;
import org.jivesoftware.smackx.pubsub.packet.PubSubNamespace;
import org.jxmpp.jid.Jid;

/**
 * Test helpers for publish-subscribe and PEP with Smack: payloads, raw pubsub requests (for what Smack
 * 4.4 has no API for, such as publish-options), inboxes of notifications, and a way to know that a
 * client has received everything the server sent it before.
 */
public final class PubSubClient {

    public static final String EVENT = "http://jabber.org/protocol/pubsub#event";
    public static final String PUBSUB = "http://jabber.org/protocol/pubsub";
    public static final String ERRORS = "http://jabber.org/protocol/pubsub#errors";

    private PubSubClient() {
    }

    /** A payload {@code <entry xmlns="urn:skein:test">text</entry>}. */
    public static StandardExtensionElement payload(String text) {
        return StandardExtensionElement.builder("entry", "urn:skein:test").setText(text).build();
    }

    public static PayloadItem<ExtensionElement> item(String id, String text) {
        return new PayloadItem<>(id, payload(text));
    }

    /** Advertises interest in a node's notifications: adds {@code node+notify} to the client's caps (and sends new presence). */
    public static void notifyOf(XMPPTCPConnection client, String node) {
        ServiceDiscoveryManager.getInstanceFor(client).addFeature(node + "+notify");
    }

    /** Every message with a {@code pubsub#event} the client receives from now on. */
    public static List<Message> events(XMPPTCPConnection client) {
        List<Message> inbox = new CopyOnWriteArrayList<>();
        client.addSyncStanzaListener(s -> {
            if (s.getExtensionElement("event", EVENT) != null) {
                inbox.add((Message) s);
            }
        }, StanzaTypeFilter.MESSAGE);
        return inbox;
    }

    /** The messages of an inbox whose event is about this node and (if not null) mentions this text. */
    public static long count(List<Message> inbox, String node, String text) {
        return inbox.stream().filter(m -> {
            String xml = m.toXML().toString();
            return xml.contains("node='" + node + "'") || xml.contains("node=\"" + node + "\"");
        }).filter(m -> text == null || m.toXML().toString().contains(text)).count();
    }

    /**
     * Returns once the client has received everything the server wrote to it before this call: a
     * ping's answer comes after it on the same stream.
     */
    public static void drain(XMPPTCPConnection client) throws Exception {
        PingManager.getInstanceFor(client).pingMyServer(true);
    }

    /** Sends a raw {@code <pubsub xmlns=...>inner</pubsub>} request and returns the answer (or throws the error). */
    public static IQ request(XMPPTCPConnection client, Jid to, IQ.Type type, String namespace, String inner) throws Exception {
        RawPubSub iq = new RawPubSub(namespace, inner);
        iq.setType(type);
        iq.setTo(to);
        return client.createStanzaCollectorAndSend(iq).nextResultOrThrow();
    }

    /** The pubsub-specific condition of an error answer, or {@code null}. */
    public static String pubsubCondition(XMPPErrorException e) {
        StanzaError error = e.getStanzaError();
        for (String name : List.of("precondition-not-met", "presence-subscription-required", "not-in-roster-group",
                "closed-node", "nodeid-required", "payload-required", "item-required", "item-forbidden", "invalid-payload",
                "payload-too-big", "invalid-jid", "not-subscribed", "subid-required", "invalid-subid", "unsupported",
                "invalid-options")) {
            if (error.getExtension(name, ERRORS) != null) {
                return name;
            }
        }
        return null;
    }

    /** A pubsub request whose child content is given as XML. */
    static final class RawPubSub extends IQ {
        private final String inner;

        RawPubSub(String namespace, String inner) {
            super("pubsub", namespace);
            this.inner = inner;
        }

        @Override
        protected IQChildElementXmlStringBuilder getIQChildElementBuilder(IQChildElementXmlStringBuilder xml) {
            xml.rightAngleBracket();
            xml.append(inner);
            return xml;
        }
    }

    public static String owner() {
        return PubSubNamespace.owner.getXmlns();
    }
}
