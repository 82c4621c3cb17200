package org.skein.hazelcast.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.carbons.CarbonManager;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jivesoftware.smackx.muc.MultiUserChatManager;
import org.jivesoftware.smackx.pep.PepManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Resourcepart;
import org.skein.XmppServer;
import org.skein.plugin.AdminPageModel;
import org.skein.roster.RosterItem;
import org.skein.roster.Subscription;
import org.xmpp.packet.JID;

/**
 * What crosses between two nodes (real Hazelcast members, real Smack clients, one database) when a
 * stanza goes to many sessions on the other node: group chat, PEP notifications, message carbons and a
 * message to a bare JID each cost one entry in the batches to that node, however many recipients are
 * there, and every recipient gets its own copy, addressed to it, once, in order with what else the
 * same node sent. The entries are counted as the admin sees them: the node page's router figures
 * ({@code sent} per destination node counts the entries the destination acknowledged).
 */
class MulticastCrossingsIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String SERVICE = "conference.localhost";
    private static final String EVENT = "http://jabber.org/protocol/pubsub#event";

    @TempDir
    static Path dir;

    private static HazelcastNodes nodes;
    private static XmppServer one;
    private static XmppServer two;
    private final SmackLogins clients = new SmackLogins();

    @BeforeAll
    static void startTwoNodes() {
        nodes = new HazelcastNodes(dir, "one", "two");
        Map<String, String> config = Map.of("db.url", "jdbc:h2:mem:multicast-it-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
                "xmpp.sasl.failureDelay", "20ms");
        one = nodes.start("one", config);
        two = nodes.start("two", config);
        await().atMost(WAIT).until(() -> one.clusterManager().getNodesInfo().size() == 2
                && two.clusterManager().getNodesInfo().size() == 2);
    }

    @AfterEach
    void disconnect() {
        clients.close();
    }

    @AfterAll
    static void stopNodes() throws Exception {
        nodes.close();
    }

    @Test
    void aRoomMessageOrPresenceCrossesOnceForAllOccupantsOnTheOtherNode() throws Exception {
        int occupants = 8;
        String room = "crossing-" + UUID.randomUUID().toString().substring(0, 8) + "@" + SERVICE;
        String alice = user();
        XMPPTCPConnection aliceClient = clients.login(one, alice, "desk");
        MultiUserChatManager.getInstanceFor(aliceClient).getMultiUserChat(JidCreate.entityBareFrom(room))
                .create(Resourcepart.from("alice")).makeInstant();
        List<XMPPTCPConnection> there = new ArrayList<>();
        List<List<Message>> inboxes = new ArrayList<>();
        List<List<Presence>> presences = new ArrayList<>();
        for (int i = 0; i < occupants; i++) {
            XMPPTCPConnection client = clients.login(two, user(), "r" + i);
            MultiUserChat muc = MultiUserChatManager.getInstanceFor(client).getMultiUserChat(JidCreate.entityBareFrom(room));
            muc.join(Resourcepart.from("o" + i));
            there.add(client);
            List<Message> inbox = new CopyOnWriteArrayList<>();
            client.addSyncStanzaListener(s -> inbox.add((Message) s), s -> s instanceof Message m
                    && m.getType() == Message.Type.groupchat && m.getBody() != null && m.getFrom().toString().equals(room + "/alice"));
            inboxes.add(inbox);
            List<Presence> seen = new CopyOnWriteArrayList<>();
            client.addSyncStanzaListener(s -> seen.add((Presence) s), s -> s instanceof Presence p
                    && p.getFrom().toString().equals(room + "/alice") && "away for lunch".equals(p.getStatus()));
            presences.add(seen);
        }
        String home = service(one).room(room.substring(0, room.indexOf('@'))).get().orElseThrow().homeNode();
        await().atMost(WAIT).until(() -> service(one).room(room.substring(0, room.indexOf('@'))).get().orElseThrow()
                .occupants().size() == occupants + 1);
        long oneToTwo = settledSent(one, "two");
        long twoToOne = settledSent(two, "one");

        int messages = 10;
        for (int m = 0; m < messages; m++) {
            aliceClient.sendStanza(aliceClient.getStanzaFactory().buildMessageStanza().to(JidCreate.from(room))
                    .ofType(Message.Type.groupchat).setBody("m" + m).build());
        }
        aliceClient.sendStanza(aliceClient.getStanzaFactory().buildPresenceStanza().to(JidCreate.from(room + "/alice"))
                .setMode(Presence.Mode.away).setStatus("away for lunch").build());

        await().atMost(WAIT).until(() -> inboxes.stream().allMatch(inbox -> inbox.size() == messages)
                && presences.stream().allMatch(seen -> !seen.isEmpty()));
        for (int i = 0; i < occupants; i++) {
            assertThat(inboxes.get(i)).extracting(Message::getBody)
                    .containsExactlyElementsOf(java.util.stream.IntStream.range(0, messages).mapToObj(m -> "m" + m).toList());
            String self = there.get(i).getUser().toString();
            assertThat(inboxes.get(i)).allSatisfy(m -> assertThat(m.getTo().toString()).isEqualTo(self));
            assertThat(presences.get(i)).hasSize(1);
            assertThat(presences.get(i).get(0).getTo().toString()).isEqualTo(self);
        }
        // one entry per room message and one for the presence, whichever node runs the room: from node one
        // either alice's stanza to the home (node two) or the room's output for node two (home on node one);
        // back to node one only the room's echo to alice when the room runs on node two
        int steps = messages + 1;
        await().atMost(WAIT).until(() -> sent(one, "two") >= oneToTwo + steps && sent(two, "one") >= twoToOne + ("two".equals(home) ? steps : 0));
        assertThat(settledSent(one, "two")).as("entries from node one for %s occupants there", occupants).isEqualTo(oneToTwo + steps);
        assertThat(settledSent(two, "one")).as("entries back to node one (room on node %s)", home)
                .isEqualTo(twoToOne + ("two".equals(home) ? steps : 0));
    }

    @Test
    void aPepItemCrossesOnceForAllContactsOnTheOtherNode() throws Exception {
        int contacts = 8;
        String node = "urn:skein:test:mood";
        String alice = user();
        List<String> friends = new ArrayList<>();
        for (int i = 0; i < contacts; i++) {
            String friend = user();
            befriend(alice, friend);
            friends.add(friend);
        }
        XMPPTCPConnection aliceClient = clients.login(one, alice, "desk");
        List<XMPPTCPConnection> there = new ArrayList<>();
        List<List<Message>> events = new ArrayList<>();
        for (String friend : friends) {
            List<Message> inbox = new CopyOnWriteArrayList<>();
            XMPPTCPConnection client = clients.login(two, friend, "phone", c -> {
                ServiceDiscoveryManager.getInstanceFor(c).addFeature(node + "+notify");
                c.addSyncStanzaListener(s -> {
                    if (s.getExtensionElement("event", EVENT) != null && s.toXML().toString().contains(node)) {
                        inbox.add((Message) s);
                    }
                }, StanzaTypeFilter.MESSAGE);
            });
            there.add(client);
            events.add(inbox);
        }
        for (XMPPTCPConnection client : there) {
            JID full = new JID(client.getUser().toString());
            await().atMost(WAIT).until(() -> two.entityCapabilities().features(full).contains(node + "+notify"));
        }
        long oneToTwo = settledSent(one, "two");

        PepManager.getInstanceFor(aliceClient).publish(node, org.skein.c2s.PubSubClient.item("i1", "happy"));

        await().atMost(WAIT).until(() -> events.stream().allMatch(inbox -> !inbox.isEmpty()));
        await().atMost(WAIT).until(() -> sent(one, "two") >= oneToTwo + 1);
        assertThat(settledSent(one, "two")).as("entries from node one for %s contacts there", contacts).isEqualTo(oneToTwo + 1);
        for (int i = 0; i < contacts; i++) {
            assertThat(events.get(i)).hasSize(1);
            Message event = events.get(i).get(0);
            assertThat(event.getTo().toString()).isEqualTo(there.get(i).getUser().toString());
            assertThat(event.getFrom().toString()).isEqualTo(alice + "@localhost");
            assertThat(event.toXML().toString()).contains("happy");
        }
    }

    @Test
    void carbonsAndAMessageToTheBareJidCrossOnceForTwoResourcesOnTheOtherNodeInOrderWithDirectMessages() throws Exception {
        String alice = user();
        String bob = user();
        XMPPTCPConnection desk = clients.login(one, alice, "desk");
        XMPPTCPConnection bobClient = clients.login(one, bob, "laptop");
        XMPPTCPConnection phone = clients.login(two, alice, "phone");
        XMPPTCPConnection tablet = clients.login(two, alice, "tablet");
        List<Message> phoneInbox = inbox(phone);
        List<Message> tabletInbox = inbox(tablet);
        List<Message> deskInbox = inbox(desk);
        for (XMPPTCPConnection client : List.of(desk, phone, tablet)) {
            CarbonManager.getInstanceFor(client).setCarbonsEnabled(true);
            JID full = new JID(client.getUser().toString());
            await().atMost(WAIT).until(() -> {
                var route = one.routingTable().clientRoute(full);
                return route != null && route.carbons() && route.available();
            });
        }
        long oneToTwo = settledSent(one, "two");

        // the desk writes to bob (a <sent/> copy for the phone and the tablet: one entry) and to the phone directly
        // (a headline is never copied: one entry); the phone sees both kinds in the order the desk sent them
        int rounds = 10;
        List<String> expectedOnPhone = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            send(desk, bob + "@localhost", Message.Type.chat, "c" + i);
            send(desk, phone.getUser().toString(), Message.Type.headline, "h" + i);
            expectedOnPhone.add("sent:c" + i);
            expectedOnPhone.add("direct:h" + i);
        }
        await().atMost(WAIT).until(() -> phoneInbox.size() >= 2 * rounds && tabletInbox.size() >= rounds);
        assertThat(phoneInbox).extracting(MulticastCrossingsIT::describe).containsExactlyElementsOf(expectedOnPhone);
        assertThat(tabletInbox).extracting(MulticastCrossingsIT::describe)
                .containsExactlyElementsOf(expectedOnPhone.stream().filter(s -> s.startsWith("sent:")).toList());
        for (XMPPTCPConnection resource : List.of(phone, tablet)) {
            List<Message> inbox = resource == phone ? phoneInbox : tabletInbox;
            assertThat(inbox).filteredOn(m -> carbon(m, "sent") != null).allSatisfy(m -> {
                assertThat(m.getTo().toString()).isEqualTo(resource.getUser().toString());
                assertThat(m.getFrom().toString()).isEqualTo(alice + "@localhost");
            });
        }
        await().atMost(WAIT).until(() -> sent(one, "two") >= oneToTwo + 2L * rounds);
        assertThat(settledSent(one, "two")).as("a copy for two resources is one entry").isEqualTo(oneToTwo + 2L * rounds);

        // bob writes to the desk: a <received/> copy for the phone and the tablet, one entry
        phoneInbox.clear();
        tabletInbox.clear();
        long beforeReceived = settledSent(one, "two");
        send(bobClient, desk.getUser().toString(), Message.Type.chat, "to the desk");
        await().atMost(WAIT).until(() -> phoneInbox.size() == 1 && tabletInbox.size() == 1);
        assertThat(describe(phoneInbox.get(0))).isEqualTo("received:to the desk");
        assertThat(phoneInbox.get(0).getTo().toString()).isEqualTo(phone.getUser().toString());
        assertThat(tabletInbox.get(0).getTo().toString()).isEqualTo(tablet.getUser().toString());
        await().atMost(WAIT).until(() -> sent(one, "two") >= beforeReceived + 1);
        assertThat(settledSent(one, "two")).isEqualTo(beforeReceived + 1);

        // bob writes to alice's bare JID: all three resources have the same priority and each gets it once,
        // addressed to the bare JID; the two on node two cost one entry
        phoneInbox.clear();
        tabletInbox.clear();
        deskInbox.clear();
        long beforeBare = settledSent(one, "two");
        send(bobClient, alice + "@localhost", Message.Type.chat, "to the account");
        await().atMost(WAIT).until(() -> phoneInbox.size() == 1 && tabletInbox.size() == 1 && deskInbox.size() == 1);
        for (List<Message> inbox : List.of(phoneInbox, tabletInbox, deskInbox)) {
            assertThat(describe(inbox.get(0))).isEqualTo("direct:to the account");
            assertThat(inbox.get(0).getTo().toString()).isEqualTo(alice + "@localhost");
        }
        await().atMost(WAIT).until(() -> sent(one, "two") >= beforeBare + 1);
        assertThat(settledSent(one, "two")).isEqualTo(beforeBare + 1);
    }

    private static String user() throws Exception {
        String name = "u" + UUID.randomUUID().toString().substring(0, 8);
        one.userManager().createUser(name, "secret", "", "");
        return name;
    }

    private static void befriend(String a, String b) {
        one.rosterManager().update(a, b + "@localhost", i -> new RosterItem(b + "@localhost", b, Set.of(), Subscription.BOTH, false, false));
        one.rosterManager().update(b, a + "@localhost", i -> new RosterItem(a + "@localhost", a, Set.of(), Subscription.BOTH, false, false));
    }

    private static org.skein.muc.MucService service(XmppServer node) {
        return node.multiUserChat().service(SERVICE).orElseThrow();
    }

    private static void send(XMPPTCPConnection from, String to, Message.Type type, String body) throws Exception {
        from.sendStanza(from.getStanzaFactory().buildMessageStanza().to(JidCreate.from(to)).ofType(type).setBody(body).build());
    }

    /** The chat and headline messages a client gets with a body, and carbons (their wrapper). */
    private static List<Message> inbox(XMPPTCPConnection client) {
        List<Message> inbox = new CopyOnWriteArrayList<>();
        client.addSyncStanzaListener(s -> {
            Message m = (Message) s;
            if (m.getBody() != null || carbon(m, "sent") != null || carbon(m, "received") != null) {
                inbox.add(m);
            }
        }, StanzaTypeFilter.MESSAGE);
        return inbox;
    }

    private static org.jivesoftware.smack.packet.ExtensionElement carbon(Message m, String direction) {
        return m.getExtensionElement(direction, "urn:xmpp:carbons:2");
    }

    /** "sent:body", "received:body" or "direct:body". */
    private static String describe(Message m) {
        for (String direction : List.of("sent", "received")) {
            if (carbon(m, direction) != null) {
                String xml = m.toXML().toString();
                int start = xml.indexOf("<body>") + "<body>".length();
                return direction + ":" + xml.substring(start, xml.indexOf("</body>", start));
            }
        }
        return "direct:" + m.getBody();
    }

    /**
     * The entries a node has sent to another once nothing is queued there any more (the figure
     * counts acknowledged entries).
     */
    private static long settledSent(XmppServer node, String other) {
        await().atMost(WAIT).until(() -> (Long) row(node, other).get("queued") == 0L);
        return sent(node, other);
    }

    private static long sent(XmppServer node, String other) {
        return (Long) row(node, other).get("sent");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> row(XmppServer node, String other) {
        AdminPageModel page = (AdminPageModel) HazelcastNodes.plugin(node).plugin();
        Map<String, Object> router = (Map<String, Object>) page.model("hazelcast-node", Map.of(), Locale.ENGLISH).get("router");
        assertThat(router).as("router section of node " + node.nodeId()).isNotNull();
        List<Map<String, Object>> rows = (List<Map<String, Object>>) router.get("destinations");
        return rows.stream().filter(r -> other.equals(r.get("node"))).findFirst().orElse(Map.of("queued", 0L, "sent", 0L));
    }
}
