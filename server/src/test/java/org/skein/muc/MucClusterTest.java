package org.skein.muc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.jivesoftware.smack.filter.FromMatchesFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jivesoftware.smackx.muc.MultiUserChatManager;
import org.jivesoftware.smackx.muc.packet.MUCUser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Resourcepart;
import org.skein.XmppServer;
import org.skein.c2s.SmackClients;
import org.skein.cluster.NodeID;
import org.skein.routing.RemotePacketRouter;
import org.skein.testing.ClusteredNodes;
import org.xmpp.packet.JID;
import org.xmpp.packet.Packet;

/**
 * Group chat across three nodes of the in-memory cluster (the fast check; the Hazelcast plugin's
 * tests run the same with real members): one order for everyone, one crossing per node per message,
 * the room's home chosen by rendezvous, occupants of a crashed node leaving with 333, and a room whose
 * home crashed going on without anyone rejoining.
 */
class MucClusterTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    /** Counts the group chat units each node sends to each other node. */
    static final class CountingRouter implements RemotePacketRouter {
        final RemotePacketRouter inner;
        final Map<NodeID, AtomicInteger> unitsTo = new ConcurrentHashMap<>();

        CountingRouter(RemotePacketRouter inner) {
            this.inner = inner;
        }

        @Override
        public boolean routePacket(NodeID node, JID recipient, Packet packet) {
            if (packet.getElement().element(org.dom4j.QName.get("link", LinkCodec.NS)) != null) {
                unitsTo.computeIfAbsent(node, n -> new AtomicInteger()).incrementAndGet();
            }
            return inner.routePacket(node, recipient, packet);
        }

        int total() {
            return unitsTo.values().stream().mapToInt(AtomicInteger::get).sum();
        }
    }

    private static List<Message> groupchat(XMPPTCPConnection client, String room) throws Exception {
        List<Message> inbox = new CopyOnWriteArrayList<>();
        FromMatchesFilter fromRoom = FromMatchesFilter.create(JidCreate.from(room));
        client.addSyncStanzaListener(s -> inbox.add((Message) s),
                s -> s instanceof Message m && m.getType() == Message.Type.groupchat && m.getBody() != null && fromRoom.accept(s));
        return inbox;
    }

    private static List<Presence> presences(XMPPTCPConnection client, String room) throws Exception {
        List<Presence> inbox = new CopyOnWriteArrayList<>();
        FromMatchesFilter fromRoom = FromMatchesFilter.create(JidCreate.from(room));
        client.addSyncStanzaListener(s -> inbox.add((Presence) s), s -> s instanceof Presence && fromRoom.accept(s));
        return inbox;
    }

    /** A room whose rendezvous home among the three nodes is {@code home}. */
    private static String roomHomedOn(XmppServer home, List<XmppServer> nodes, String prefix) {
        List<NodeID> ids = nodes.stream().map(XmppServer::nodeId).toList();
        for (int i = 0; ; i++) {
            String room = prefix + i + "@conference.localhost";
            if (Homes.rendezvous(room, ids).equals(home.nodeId())) {
                return room;
            }
        }
    }

    @Test
    void occupantsOnThreeNodesSeeOneOrderAndEachMessageCrossesToEachOtherNodeOnce() throws Exception {
        try (ClusteredNodes cluster = new ClusteredNodes(dir)) {
            XmppServer n1 = cluster.start("n1");
            XmppServer n2 = cluster.start("n2");
            XmppServer n3 = cluster.start("n3");
            List<XmppServer> nodes = List.of(n1, n2, n3);
            Map<XmppServer, CountingRouter> routers = new ConcurrentHashMap<>();
            for (XmppServer n : nodes) {
                CountingRouter counting = new CountingRouter(n.routingTable().getRemotePacketRouter());
                n.routingTable().setRemotePacketRouter(counting);
                routers.put(n, counting);
            }
            String room = roomHomedOn(n2, nodes, "order");
            List<SmackClients> clientsOf = new ArrayList<>();
            List<XMPPTCPConnection> clients = new ArrayList<>();
            for (int i = 0; i < 9; i++) {
                XmppServer node = nodes.get(i % 3);
                String user = "user" + i;
                node.userManager().createUser(user, "secret", "", "");
                SmackClients sc = new SmackClients(node);
                clientsOf.add(sc);
                clients.add(sc.login(user, "secret", "r"));
            }
            try {
                MultiUserChat first = MultiUserChatManager.getInstanceFor(clients.get(0)).getMultiUserChat(JidCreate.entityBareFrom(room));
                first.create(Resourcepart.from("user0")).makeInstant();
                List<List<Message>> inboxes = new ArrayList<>();
                for (int i = 0; i < 9; i++) {
                    if (i > 0) {
                        MultiUserChatManager.getInstanceFor(clients.get(i)).getMultiUserChat(JidCreate.entityBareFrom(room))
                                .join(Resourcepart.from("user" + i));
                    }
                }
                await().atMost(WAIT).until(() -> n2.multiUserChat().service("conference.localhost").orElseThrow()
                        .room(room.substring(0, room.indexOf('@'))).get().orElseThrow().occupants().size() == 9);
                for (int i = 0; i < 9; i++) {
                    inboxes.add(groupchat(clients.get(i), room));
                }
                routers.values().forEach(r -> r.unitsTo.clear());
                int messages = 30;
                for (int m = 0; m < messages; m++) {
                    // three senders, one per node
                    XMPPTCPConnection sender = clients.get(m % 3);
                    sender.sendStanza(sender.getStanzaFactory().buildMessageStanza().to(JidCreate.from(room))
                            .ofType(Message.Type.groupchat).setBody("m" + m).build());
                }
                await().atMost(WAIT).until(() -> inboxes.stream().allMatch(inbox -> inbox.size() == messages));
                List<String> order = inboxes.get(0).stream().map(Message::getBody).toList();
                for (List<Message> inbox : inboxes) {
                    assertThat(inbox).extracting(Message::getBody).isEqualTo(order);
                }
                // the home (n2) sends each message to n1 and n3 once: 2 units per message, whatever the occupants there;
                // n1 and n3 send their senders' messages to the home once each
                assertThat(routers.get(n2).unitsTo.get(n1.nodeId()).get()).isEqualTo(messages);
                assertThat(routers.get(n2).unitsTo.get(n3.nodeId()).get()).isEqualTo(messages);
                assertThat(routers.get(n1).total()).isEqualTo(messages / 3);
                assertThat(routers.get(n3).total()).isEqualTo(messages / 3);
            } finally {
                clientsOf.forEach(SmackClients::close);
            }
        }
    }

    @Test
    void whenANodeCrashesEveryOtherOccupantSeesItsOccupantsLeaveOnceWith333() throws Exception {
        try (ClusteredNodes cluster = new ClusteredNodes(dir)) {
            XmppServer n1 = cluster.start("n1");
            XmppServer n2 = cluster.start("n2");
            XmppServer n3 = cluster.start("n3");
            List<XmppServer> nodes = List.of(n1, n2, n3);
            String room = roomHomedOn(n1, nodes, "crash");
            try (SmackClients c1 = new SmackClients(n1); SmackClients c2 = new SmackClients(n2); SmackClients c3 = new SmackClients(n3)) {
                for (String u : List.of("a", "b", "c", "d")) {
                    n1.userManager().createUser(u, "secret", "", "");
                }
                XMPPTCPConnection a = c1.login("a", "secret", "r");
                XMPPTCPConnection b = c2.login("b", "secret", "r");
                XMPPTCPConnection c = c3.login("c", "secret", "r");
                XMPPTCPConnection d = c3.login("d", "secret", "r");
                MultiUserChatManager.getInstanceFor(a).getMultiUserChat(JidCreate.entityBareFrom(room)).create(Resourcepart.from("a")).makeInstant();
                for (XMPPTCPConnection x : List.of(b, c, d)) {
                    MultiUserChatManager.getInstanceFor(x).getMultiUserChat(JidCreate.entityBareFrom(room))
                            .join(Resourcepart.from(x.getUser().getLocalpart().toString()));
                }
                List<Presence> seenByA = presences(a, room);
                List<Presence> seenByB = presences(b, room);
                await().atMost(WAIT).until(() -> MultiUserChatManager.getInstanceFor(b).getMultiUserChat(JidCreate.entityBareFrom(room))
                        .getOccupantsCount() == 4);

                cluster.crash(n3);
                n3.stop();
                for (List<Presence> seen : List.of(seenByA, seenByB)) {
                    await().atMost(WAIT).until(() -> gone(seen, "c") == 1 && gone(seen, "d") == 1);
                    Presence left = seen.stream().filter(p -> p.getFrom().getResourceOrEmpty().toString().equals("c")).findFirst().orElseThrow();
                    assertThat(MUCUser.from(left).getStatus()).contains(MUCUser.Status.create(333));
                }
                // and the room goes on for the others
                List<Message> toB = groupchat(b, room);
                a.sendStanza(a.getStanzaFactory().buildMessageStanza().to(JidCreate.from(room)).ofType(Message.Type.groupchat)
                        .setBody("still here").build());
                await().atMost(WAIT).until(() -> toB.size() == 1);
                assertThat(gone(seenByA, "c")).isEqualTo(1);
                assertThat(gone(seenByB, "d")).isEqualTo(1);
            }
        }
    }

    private static long gone(List<Presence> seen, String nick) {
        return seen.stream().filter(p -> p.getType() == Presence.Type.unavailable && p.getFrom().getResourceOrEmpty().toString().equals(nick))
                .count();
    }

    @Test
    void whenTheRoomsHomeCrashesTheOthersStayInItWithItsSubjectAndHistory() throws Exception {
        try (ClusteredNodes cluster = new ClusteredNodes(dir)) {
            XmppServer n1 = cluster.start("n1");
            XmppServer n2 = cluster.start("n2");
            XmppServer n3 = cluster.start("n3");
            List<XmppServer> nodes = List.of(n1, n2, n3);
            String room = roomHomedOn(n3, nodes, "homeless");
            try (SmackClients c1 = new SmackClients(n1); SmackClients c2 = new SmackClients(n2); SmackClients c3 = new SmackClients(n3)) {
                for (String u : List.of("a", "b", "c", "late")) {
                    n1.userManager().createUser(u, "secret", "", "");
                }
                XMPPTCPConnection a = c1.login("a", "secret", "r");
                XMPPTCPConnection b = c2.login("b", "secret", "r");
                XMPPTCPConnection c = c3.login("c", "secret", "r");
                MultiUserChat ma = MultiUserChatManager.getInstanceFor(a).getMultiUserChat(JidCreate.entityBareFrom(room));
                ma.create(Resourcepart.from("a")).makeInstant();
                ma.changeSubject("survives");
                MultiUserChatManager.getInstanceFor(b).getMultiUserChat(JidCreate.entityBareFrom(room)).join(Resourcepart.from("b"));
                MultiUserChatManager.getInstanceFor(c).getMultiUserChat(JidCreate.entityBareFrom(room)).join(Resourcepart.from("c"));
                List<Message> toA = groupchat(a, room);
                List<Message> toB = groupchat(b, room);
                ma.sendMessage("before the crash");
                await().atMost(WAIT).until(() -> toA.size() == 1 && toB.size() == 1 && MultiUserChatManager.getInstanceFor(b)
                        .getMultiUserChat(JidCreate.entityBareFrom(room)).getOccupantsCount() == 3);
                toA.clear();
                toB.clear();
                List<Presence> seenByA = presences(a, room);
                List<Presence> seenByB = presences(b, room);

                cluster.crash(n3);
                n3.stop();
                for (List<Presence> seen : List.of(seenByA, seenByB)) {
                    await().atMost(WAIT).until(() -> gone(seen, "c") == 1);
                }
                assertThat(gone(seenByA, "a") + gone(seenByA, "b") + gone(seenByB, "a") + gone(seenByB, "b")).isZero();
                a.sendStanza(a.getStanzaFactory().buildMessageStanza().to(JidCreate.from(room)).ofType(Message.Type.groupchat)
                        .setBody("after the crash").build());
                await().atMost(WAIT).until(() -> toA.size() == 1 && toB.size() == 1);
                assertThat(toB.get(0).getBody()).isEqualTo("after the crash");

                // a newcomer gets the subject and the history the old home had
                XMPPTCPConnection late = c2.login("late", "secret", "r");
                MultiUserChat ml = MultiUserChatManager.getInstanceFor(late).getMultiUserChat(JidCreate.entityBareFrom(room));
                List<Message> history = groupchat(late, room);
                ml.join(Resourcepart.from("late"));
                await().atMost(WAIT).until(() -> history.size() == 2 && "survives".equals(ml.getSubject()));
                assertThat(history).extracting(Message::getBody).containsExactly("before the crash", "after the crash");
                assertThat(ml.getOccupantsCount()).isEqualTo(3);
            }
        }
    }
}
