package org.skein.c2s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.MessageBuilder;
import org.jivesoftware.smack.packet.StandardExtensionElement;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.carbons.CarbonManager;
import org.jivesoftware.smackx.carbons.packet.CarbonExtension;
import org.jxmpp.jid.impl.JidCreate;
import org.skein.XmppServer;
import org.skein.routing.ClientRoute;
import org.xmpp.packet.JID;

/**
 * Message carbons (XEP-0280) played by real Smack clients with Smack's {@link CarbonManager}, each
 * scenario given the nodes its clients log in to: one node for all ({@code SmackCarbonsTest}) and the
 * nodes of a Hazelcast cluster ({@code CarbonsIT} in the plugin), so that both show the same behaviour.
 *
 * <p>That a copy did <em>not</em> arrive is shown with a sentinel: the same sender sends an eligible
 * message after the one that must not be copied; both are routed by the sender's node, whose stanzas to
 * one session keep their order, so when the sentinel's copy arrives the other's would have arrived first.
 */
public final class CarbonsScenarios implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final Map<XmppServer, SmackClients> clients = new HashMap<>();

    private XMPPTCPConnection login(XmppServer node, String user, String resource) throws Exception {
        XMPPTCPConnection connection = clients.computeIfAbsent(node, SmackClients::new).unconnected(user, "secret", resource);
        connection.connect().login();
        return connection;
    }

    /** What one client got: its carbon copies (direction and the copied message) and its plain messages. */
    private static final class Inbox {
        final List<Message> sent = new CopyOnWriteArrayList<>();
        final List<Message> received = new CopyOnWriteArrayList<>();
        final List<Message> direct = new CopyOnWriteArrayList<>();

        Inbox(XMPPTCPConnection connection) {
            CarbonManager.getInstanceFor(connection).addCarbonCopyReceivedListener((direction, copy, wrapper) ->
                    (direction == CarbonExtension.Direction.sent ? sent : received).add(copy));
            connection.addSyncStanzaListener(s -> {
                if (s.getExtension(CarbonExtension.Direction.sent.name(), CarbonExtension.NAMESPACE) == null
                        && s.getExtension(CarbonExtension.Direction.received.name(), CarbonExtension.NAMESPACE) == null) {
                    direct.add((Message) s);
                }
            }, StanzaTypeFilter.MESSAGE);
        }

        static boolean has(List<Message> list, String body) {
            return list.stream().anyMatch(m -> body.equals(m.getBody()));
        }

        static Message get(List<Message> list, String body) {
            return list.stream().filter(m -> body.equals(m.getBody())).findFirst().orElseThrow();
        }
    }

    private static void send(XMPPTCPConnection from, String to, Message.Type type, String body, StandardExtensionElement... extra)
            throws Exception {
        MessageBuilder builder = from.getStanzaFactory().buildMessageStanza().to(JidCreate.from(to)).ofType(type);
        if (body != null) {
            builder.setBody(body);
        }
        for (StandardExtensionElement e : extra) {
            builder.addExtension(e);
        }
        from.sendStanza(builder.build());
    }

    private static void awaitCarbonsFlag(XmppServer anyNode, XMPPTCPConnection client, boolean enabled) {
        JID full = new JID(client.getUser().toString());
        await().atMost(WAIT).until(() -> {
            ClientRoute route = anyNode.routingTable().clientRoute(full);
            return route != null && route.carbons() == enabled;
        });
    }

    /**
     * Alice is on {@code a} (desk) and {@code b} (phone), both with carbons on; bob is on {@code c}.
     * The server says it supports carbons. Bob's chat to alice's desk: the desk gets it, the phone a
     * {@code <received/>} copy. The desk's answer: bob gets it, the phone a {@code <sent/>} copy. A chat
     * to alice's bare JID that goes to the desk (higher priority) is copied to the phone too. Once the
     * phone disables carbons, it gets no copy any more.
     */
    public void copiesReachTheOtherResourceOnAnyNode(XmppServer a, XmppServer b, XmppServer c) throws Exception {
        String alice = ImScenarios.newUser(a);
        String bob = ImScenarios.newUser(a);
        String domain = a.xmppDomain();
        XMPPTCPConnection desk = login(a, alice, "desk");
        XMPPTCPConnection phone = login(b, alice, "phone");
        XMPPTCPConnection bobClient = login(c, bob, "laptop");
        CarbonManager deskCarbons = CarbonManager.getInstanceFor(desk);
        CarbonManager phoneCarbons = CarbonManager.getInstanceFor(phone);
        assertThat(deskCarbons.isSupportedByServer()).isTrue();
        deskCarbons.setCarbonsEnabled(true);
        phoneCarbons.setCarbonsEnabled(true);
        awaitCarbonsFlag(c, desk, true);
        awaitCarbonsFlag(c, phone, true);
        Inbox deskInbox = new Inbox(desk);
        Inbox phoneInbox = new Inbox(phone);
        Inbox bobInbox = new Inbox(bobClient);

        send(bobClient, desk.getUser().toString(), Message.Type.chat, "to the desk");
        await().atMost(WAIT).until(() -> Inbox.has(deskInbox.direct, "to the desk") && Inbox.has(phoneInbox.received, "to the desk"));
        Message copy = Inbox.get(phoneInbox.received, "to the desk");
        assertThat(copy.getFrom().toString()).isEqualTo(bobClient.getUser().toString());
        assertThat(copy.getTo().toString()).isEqualTo(desk.getUser().toString());
        assertThat(deskInbox.received).as("the recipient gets no copy of its own message").isEmpty();

        send(desk, bob + "@" + domain, Message.Type.chat, "from the desk");
        await().atMost(WAIT).until(() -> Inbox.has(bobInbox.direct, "from the desk") && Inbox.has(phoneInbox.sent, "from the desk"));
        Message sentCopy = Inbox.get(phoneInbox.sent, "from the desk");
        assertThat(sentCopy.getFrom().toString()).isEqualTo(desk.getUser().toString());
        assertThat(sentCopy.getTo().toString()).isEqualTo(bob + "@" + domain);
        assertThat(bobInbox.received).isEmpty();
        assertThat(bobInbox.sent).isEmpty();
        assertThat(deskInbox.sent).as("the sender gets no copy of its own message").isEmpty();

        desk.sendStanza(desk.getStanzaFactory().buildPresenceStanza().setPriority(10).build());
        await().atMost(WAIT).until(() -> c.routingTable().clientRoute(new JID(desk.getUser().toString())).priority() == 10);
        send(bobClient, alice + "@" + domain, Message.Type.chat, "to the bare JID");
        await().atMost(WAIT).until(() -> Inbox.has(deskInbox.direct, "to the bare JID") && Inbox.has(phoneInbox.received, "to the bare JID"));
        assertThat(Inbox.has(phoneInbox.direct, "to the bare JID")).isFalse();

        phoneCarbons.setCarbonsEnabled(false);
        awaitCarbonsFlag(c, phone, false);
        send(bobClient, desk.getUser().toString(), Message.Type.chat, "not for the phone");
        send(desk, bob + "@" + domain, Message.Type.chat, "nor this");
        await().atMost(WAIT).until(() -> Inbox.has(deskInbox.direct, "not for the phone") && Inbox.has(bobInbox.direct, "nor this"));
        // the desk still has carbons: a copy from bob's node after bob's message shows the phone's would have come by now
        phoneCarbons.setCarbonsEnabled(true);
        awaitCarbonsFlag(c, phone, true);
        send(bobClient, desk.getUser().toString(), Message.Type.chat, "copied again");
        await().atMost(WAIT).until(() -> Inbox.has(phoneInbox.received, "copied again"));
        send(desk, bob + "@" + domain, Message.Type.chat, "sent copied again");
        await().atMost(WAIT).until(() -> Inbox.has(phoneInbox.sent, "sent copied again"));
        assertThat(Inbox.has(phoneInbox.received, "not for the phone")).isFalse();
        assertThat(Inbox.has(phoneInbox.sent, "nor this")).isFalse();
    }

    /**
     * What is not copied (XEP-0280 section 6, XEP-0334): a message marked {@code <private/>} with the
     * {@code no-copy} hint, a {@code no-copy} hint alone, a {@code normal} message without a body, a
     * {@code headline}; a {@code normal} message with a body is copied. Alice's desk on {@code a} sends to
     * bob on {@code c}; her phone on {@code b} watches.
     */
    public void privateAndIneligibleMessagesAreNotCopied(XmppServer a, XmppServer b, XmppServer c) throws Exception {
        String alice = ImScenarios.newUser(a);
        String bob = ImScenarios.newUser(a);
        String domain = a.xmppDomain();
        XMPPTCPConnection desk = login(a, alice, "desk");
        XMPPTCPConnection phone = login(b, alice, "phone");
        XMPPTCPConnection bobClient = login(c, bob, "laptop");
        CarbonManager.getInstanceFor(desk).setCarbonsEnabled(true);
        CarbonManager.getInstanceFor(phone).setCarbonsEnabled(true);
        awaitCarbonsFlag(a, phone, true);
        awaitCarbonsFlag(c, phone, true);
        Inbox phoneInbox = new Inbox(phone);
        Inbox bobInbox = new Inbox(bobClient);
        String bobJid = bob + "@" + domain;

        StandardExtensionElement privateMark = StandardExtensionElement.builder("private", "urn:xmpp:carbons:2").build();
        StandardExtensionElement noCopy = StandardExtensionElement.builder("no-copy", "urn:xmpp:hints").build();
        send(desk, bobJid, Message.Type.chat, "private", privateMark, noCopy);
        send(desk, bobJid, Message.Type.chat, "no copy", noCopy);
        send(desk, bobJid, Message.Type.normal, null,
                StandardExtensionElement.builder("custom", "urn:example:payload").build());
        send(desk, bobJid, Message.Type.headline, "headline");
        send(desk, bobJid, Message.Type.normal, "normal with a body");
        await().atMost(WAIT).until(() -> Inbox.has(phoneInbox.sent, "normal with a body"));
        assertThat(phoneInbox.sent).extracting(Message::getBody).containsExactly("normal with a body");
        await().atMost(WAIT).until(() -> Inbox.has(bobInbox.direct, "private") && Inbox.has(bobInbox.direct, "no copy"));

        // and the same for what alice receives
        send(bobClient, desk.getUser().toString(), Message.Type.chat, "private in", privateMark, noCopy);
        send(bobClient, desk.getUser().toString(), Message.Type.headline, "headline in");
        send(bobClient, desk.getUser().toString(), Message.Type.chat, "chat in");
        await().atMost(WAIT).until(() -> Inbox.has(phoneInbox.received, "chat in"));
        assertThat(phoneInbox.received).extracting(Message::getBody).containsExactly("chat in");
    }

    @Override
    public void close() {
        clients.values().forEach(SmackClients::close);
        clients.clear();
    }
}
