package org.skein.c2s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.skein.c2s.ClusterFixtures.WAIT;
import static org.skein.c2s.ClusterFixtures.availableFrom;
import static org.skein.c2s.ClusterFixtures.befriend;
import static org.skein.c2s.ClusterFixtures.hasBody;
import static org.skein.c2s.ClusterFixtures.messages;
import static org.skein.c2s.ClusterFixtures.presences;
import static org.skein.c2s.ClusterFixtures.send;
import static org.skein.c2s.ClusterFixtures.unavailableFrom;
import static org.skein.c2s.ClusterFixtures.users;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jxmpp.jid.impl.JidCreate;
import org.skein.XmppServer;
import org.skein.cache.Cache;
import org.skein.cache.CacheEntryListener;
import org.skein.cluster.NodeID;
import org.skein.routing.RoutingTable;
import org.skein.session.SessionInfo;
import org.skein.session.SessionManager;
import org.skein.testing.ClusteredNodes;
import org.xmpp.packet.JID;

/**
 * Nodes that crash or leave, with real Smack clients on the in-memory cluster: the senior member alone
 * cleans the dead node's routes and session info out of the shared caches, every survivor tells its
 * own users once per lost resource, messages to the lost users go to offline storage; a node that
 * leaves cleanly shows its users their remote contacts going and keeps serving them, and when it joins
 * again presence flows both ways once more.
 */
class NodeFailureTest {

    @TempDir
    Path dir;

    @Test
    void aCrashedNodeIsCleanedUpOnceAndItsResourcesGoUnavailableOnceForEveryoneWhoSawThem() throws Exception {
        try (ClusteredNodes cluster = new ClusteredNodes(dir)) {
            XmppServer one = cluster.start("one");
            XmppServer two = cluster.start("two");
            XmppServer three = cluster.start("three");
            users(one, "alice", "bob", "carol", "dave");
            befriend(one, "alice", "bob");
            befriend(one, "carol", "bob");
            List<NodeID> removedBy = new CopyOnWriteArrayList<>();
            Cache<String, SessionInfo> info = one.cacheFactory().<String, SessionInfo>getCache(SessionManager.INFO_CACHE).orElseThrow();
            info.addCacheEntryListener(new CacheEntryListener<>() {
                @Override
                public void entryRemoved(String key, SessionInfo oldValue, NodeID origin) {
                    if (key.startsWith("bob@")) {
                        removedBy.add(origin);
                    }
                }
            }, false, true);
            try (SmackClients onOne = new SmackClients(one); SmackClients onTwo = new SmackClients(two);
                 SmackClients onThree = new SmackClients(three)) {
                XMPPTCPConnection alice = onOne.login("alice", "secret", "phone");
                XMPPTCPConnection carol = onThree.login("carol", "secret", "pc");
                XMPPTCPConnection dave = onThree.login("dave", "secret", "pc");
                List<Presence> aliceSees = presences(alice);
                List<Presence> carolSees = presences(carol);
                List<Presence> daveSees = presences(dave);
                XMPPTCPConnection bobDesk = onTwo.login("bob", "secret", "desk");
                onTwo.login("bob", "secret", "phone");
                await().atMost(WAIT).until(() -> availableFrom(aliceSees, "bob@localhost/desk") && availableFrom(aliceSees, "bob@localhost/phone")
                        && availableFrom(carolSees, "bob@localhost/desk") && availableFrom(carolSees, "bob@localhost/phone"));
                // dave is no contact of bob's; he gets directed presence from bob's desk, and sends some back
                bobDesk.sendStanza(bobDesk.getStanzaFactory().buildPresenceStanza().to(JidCreate.from("dave@localhost/pc")).build());
                dave.sendStanza(dave.getStanzaFactory().buildPresenceStanza().to(JidCreate.from("bob@localhost/desk")).build());
                await().atMost(WAIT).until(() -> availableFrom(daveSees, "bob@localhost/desk")
                        && three.presenceManager().directedRecipients(new JID("dave@localhost/pc")).contains("bob@localhost/desk"));

                cluster.crash(two);

                await().atMost(WAIT).until(() -> unavailableFrom(aliceSees, "bob@localhost/desk") == 1
                        && unavailableFrom(aliceSees, "bob@localhost/phone") == 1
                        && unavailableFrom(carolSees, "bob@localhost/desk") == 1
                        && unavailableFrom(carolSees, "bob@localhost/phone") == 1
                        && unavailableFrom(daveSees, "bob@localhost/desk") == 1);
                await().atMost(WAIT).until(() -> nothingOf(cluster, two.nodeId()));
                // only the senior member (node one) removed node two's session info, once each
                assertThat(removedBy).containsExactly(one.nodeId(), one.nodeId());
                assertThat(three.presenceManager().directedRecipients(new JID("dave@localhost/pc"))).isEmpty();
                for (XmppServer survivor : List.of(one, three)) {
                    assertThat(survivor.sessionManager().routesOf("bob@localhost")).isEmpty();
                    assertThat(survivor.sessionManager().getUserSessionsCount(false)).isEqualTo(3);
                }

                // stanzas across the surviving nodes pass after every notification; still exactly one each
                List<Message> aliceInbox = messages(alice);
                List<Message> carolInbox = messages(carol);
                send(carol, "alice@localhost/phone", Message.Type.chat, "marker");
                send(alice, "carol@localhost/pc", Message.Type.chat, "marker");
                await().atMost(WAIT).until(() -> hasBody(aliceInbox, "marker") && hasBody(carolInbox, "marker"));
                assertThat(unavailableFrom(aliceSees, "bob@localhost/desk")).isEqualTo(1);
                assertThat(unavailableFrom(aliceSees, "bob@localhost/phone")).isEqualTo(1);
                assertThat(unavailableFrom(carolSees, "bob@localhost/desk")).isEqualTo(1);
                assertThat(unavailableFrom(carolSees, "bob@localhost/phone")).isEqualTo(1);
                assertThat(unavailableFrom(daveSees, "bob@localhost/desk")).isEqualTo(1);
                assertThat(unavailableFrom(daveSees, "bob@localhost/phone")).isZero(); // dave never saw it

                // messages to bob are kept, and reach him when he logs in on another node
                send(alice, "bob@localhost", Message.Type.chat, "while you were gone");
                send(carol, "bob@localhost/desk", Message.Type.chat, "to your old desk");
                await().atMost(WAIT).until(() -> one.offlineMessageStore().count("bob") == 2);
                XMPPTCPConnection bobAgain = onThree.unconnected("bob", "secret", "desk");
                List<Message> bobInbox = messages(bobAgain);
                bobAgain.connect().login();
                // (the message says what bob's client got, what storage still holds and what node three knows of bob)
                await().atMost(WAIT).untilAsserted(() -> assertThat(hasBody(bobInbox, "while you were gone") && hasBody(bobInbox, "to your old desk"))
                        .as("bob's inbox %s, kept for bob %d, bob's routes on node three %s", bobInbox.stream().map(Message::getBody).toList(),
                                one.offlineMessageStore().count("bob"), three.sessionManager().routesOf("bob@localhost"))
                        .isTrue());
                assertThat(one.offlineMessageStore().count("bob")).isZero();
            }
        }
    }

    /** Whether the shared caches hold no route, user entry or session info of the node. */
    private static boolean nothingOf(ClusteredNodes cluster, NodeID node) {
        Map<Object, Object> routes = cluster.cluster().content(RoutingTable.USERS_CACHE);
        Map<Object, Object> users = cluster.cluster().content(RoutingTable.SESSIONS_CACHE);
        Map<Object, Object> infos = cluster.cluster().content(SessionManager.INFO_CACHE);
        return routes.values().stream().noneMatch(r -> ((org.skein.routing.ClientRoute) r).node().equals(node))
                && infos.values().stream().noneMatch(i -> ((SessionInfo) i).node().equals(node))
                && !users.containsKey("bob@localhost");
    }

    @Test
    void aNodeThatLeavesShowsItsUsersTheirRemoteContactsGoKeepsServingThemAndRejoins() throws Exception {
        try (ClusteredNodes cluster = new ClusteredNodes(dir)) {
            XmppServer one = cluster.start("one");
            XmppServer two = cluster.start("two");
            users(one, "alice", "bob", "carl");
            befriend(one, "alice", "bob");
            befriend(one, "bob", "carl");
            try (SmackClients onOne = new SmackClients(one); SmackClients onTwo = new SmackClients(two)) {
                XMPPTCPConnection alice = onOne.login("alice", "secret", "phone");
                XMPPTCPConnection carl = onTwo.login("carl", "secret", "pc");
                List<Presence> aliceSees = presences(alice);
                XMPPTCPConnection bob = onTwo.unconnected("bob", "secret", "desk");
                List<Presence> bobSees = presences(bob);
                List<Message> bobInbox = messages(bob);
                bob.connect().login();
                List<Message> carlInbox = messages(carl);
                await().atMost(WAIT).until(() -> availableFrom(aliceSees, "bob@localhost/desk") && availableFrom(bobSees, "alice@localhost/phone"));

                cluster.leave(two);

                await().atMost(WAIT).until(() -> unavailableFrom(bobSees, "alice@localhost/phone") == 1
                        && unavailableFrom(aliceSees, "bob@localhost/desk") == 1);
                assertThat(unavailableFrom(bobSees, "carl@localhost/pc")).isZero(); // carl is on bob's node: still there
                // node two serves its users alone
                send(bob, "carl@localhost/pc", Message.Type.chat, "just us now");
                send(carl, "bob@localhost", Message.Type.chat, "indeed");
                await().atMost(WAIT).until(() -> hasBody(carlInbox, "just us now") && hasBody(bobInbox, "indeed"));
                assertThat(two.routingTable().clientRoute(new JID("bob@localhost/desk")).node()).isEqualTo(two.nodeId());
                assertThat(two.routingTable().clientRoute(new JID("alice@localhost/phone"))).isNull();
                // the cluster (node one, its senior) holds nothing of node two any more
                await().atMost(WAIT).until(() -> one.sessionManager().routesOf("bob@localhost").isEmpty()
                        && one.sessionManager().getSessionInfo(new JID("carl@localhost/pc")) == null);

                long aliceSawBob = aliceSees.stream().filter(p -> p.getType() == Presence.Type.available
                        && "bob@localhost/desk".equals(String.valueOf(p.getFrom()))).count();
                long bobSawAlice = bobSees.stream().filter(p -> p.getType() == Presence.Type.available
                        && "alice@localhost/phone".equals(String.valueOf(p.getFrom()))).count();
                cluster.join(two);

                await().atMost(WAIT).until(() -> availableFrom(aliceSees, "bob@localhost/desk") && availableFrom(bobSees, "alice@localhost/phone"));
                List<Message> aliceInbox = messages(alice);
                send(alice, "bob@localhost", Message.Type.chat, "welcome back");
                send(bob, "alice@localhost/phone", Message.Type.chat, "thanks");
                await().atMost(WAIT).until(() -> hasBody(bobInbox, "welcome back") && hasBody(aliceInbox, "thanks"));
                // one presence each way for the rejoin, not a flood from both sides
                assertThat(aliceSees.stream().filter(p -> p.getType() == Presence.Type.available
                        && "bob@localhost/desk".equals(String.valueOf(p.getFrom()))).count()).isEqualTo(aliceSawBob + 1);
                assertThat(bobSees.stream().filter(p -> p.getType() == Presence.Type.available
                        && "alice@localhost/phone".equals(String.valueOf(p.getFrom()))).count()).isEqualTo(bobSawAlice + 1);
                assertThat(one.sessionManager().getUserSessionsCount(false)).isEqualTo(3);
            }
        }
    }
}
