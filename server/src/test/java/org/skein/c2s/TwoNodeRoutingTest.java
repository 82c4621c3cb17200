package org.skein.c2s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.roster.SubscribeListener;
import org.jivesoftware.smack.roster.packet.RosterPacket;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jxmpp.jid.impl.JidCreate;
import org.skein.XmppServer;
import org.skein.routing.RemotePacketRouter;
import org.skein.session.LocalClientSession;
import org.skein.cluster.testing.InMemoryCluster;
import org.skein.testing.TestNodes;
import org.xmpp.packet.JID;

/**
 * The routing table and sessions are cluster-ready: two nodes on the in-memory cluster share the
 * route and session caches, and a stand-in {@link RemotePacketRouter} (what the clustering plugin
 * will provide) carries packets between them. Users on different nodes chat, subscribe and see each
 * other's presence (probes read the other node's sessions from the shared caches).
 */
class TwoNodeRoutingTest {

    @TempDir
    Path dir;

    @Test
    void usersOnTwoNodesChatAndSeeEachOthersPresence() throws Exception {
        InMemoryCluster cluster = new InMemoryCluster();
        try (TestNodes nodes = new TestNodes(dir)) {
            // one database for both, as the nodes of a real cluster share one (rosters are changed from the stored copy)
            String database = "jdbc:h2:mem:two-node-routing-" + UUID.randomUUID();
            XmppServer one = nodes.start("one", Map.of("node.id", "one", "clustering.enabled", "true", "db.url", database));
            XmppServer two = nodes.start("two", Map.of("node.id", "two", "clustering.enabled", "true", "db.url", database));
            for (XmppServer node : List.of(one, two)) {
                node.clusterManager().registerProvider(cluster.provider());
                node.clusterManager().startup();
                XmppServer other = node == one ? two : one;
                node.routingTable().setRemotePacketRouter((target, recipient, packet) -> {
                    LocalClientSession session = other.nodeId().equals(target) ? other.routingTable().localSession(recipient) : null;
                    if (session == null) {
                        return false;
                    }
                    session.deliver(packet.createCopy());
                    return true;
                });
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> one.cacheFactory().isClustered() && two.cacheFactory().isClustered());
            one.userManager().createUser("alice", "secret", "", "");
            one.userManager().createUser("bob", "secret", "", "");

            try (SmackClients onOne = new SmackClients(one); SmackClients onTwo = new SmackClients(two)) {
                XMPPTCPConnection alice = onOne.login("alice", "secret", "phone");
                XMPPTCPConnection bob = onTwo.login("bob", "secret", "desk");
                assertThat(two.routingTable().clientRoute(new JID("alice@localhost/phone")).node()).isEqualTo(one.nodeId());
                assertThat(one.sessionManager().getUserSessionsCount(false)).isEqualTo(2);
                assertThat(one.sessionManager().getUserSessionsCount(true)).isEqualTo(1);

                await().atMost(Duration.ofSeconds(10)).until(() -> one.routingTable().clientRoute(new JID("bob@localhost/desk")).available());
                List<Message> bobInbox = new CopyOnWriteArrayList<>();
                bob.addSyncStanzaListener(s -> bobInbox.add((Message) s), StanzaTypeFilter.MESSAGE);
                alice.sendStanza(alice.getStanzaFactory().buildMessageStanza().to(JidCreate.from("bob@localhost"))
                        .ofType(Message.Type.chat).setBody("across nodes").build());
                await().atMost(Duration.ofSeconds(10)).until(() -> bobInbox.stream().anyMatch(m -> "across nodes".equals(m.getBody())));

                Roster aliceRoster = Roster.getInstanceFor(alice);
                Roster bobRoster = Roster.getInstanceFor(bob);
                bobRoster.addSubscribeListener((from, request) -> SubscribeListener.SubscribeAnswer.ApproveAndAlsoRequestIfRequired);
                aliceRoster.addSubscribeListener((from, request) -> SubscribeListener.SubscribeAnswer.Approve);
                aliceRoster.createItemAndRequestSubscription(JidCreate.bareFrom("bob@localhost"), "Bob", null);
                await().atMost(Duration.ofSeconds(10)).until(() -> aliceRoster.getEntry(JidCreate.bareFrom("bob@localhost")) != null
                        && aliceRoster.getEntry(JidCreate.bareFrom("bob@localhost")).getType() == RosterPacket.ItemType.both);
                await().atMost(Duration.ofSeconds(10)).until(() -> aliceRoster.getPresence(JidCreate.bareFrom("bob@localhost")).isAvailable()
                        && bobRoster.getPresence(JidCreate.bareFrom("alice@localhost")).isAvailable());

                // another login of alice on node one: its initial presence probes bob, whose session is on node two,
                // answered from the shared routes and session info without asking node two
                XMPPTCPConnection aliceAgain = onOne.login("alice", "secret", "tablet");
                Roster again = Roster.getInstanceFor(aliceAgain);
                await().atMost(Duration.ofSeconds(10)).until(() -> again.getPresence(JidCreate.bareFrom("bob@localhost")).isAvailable());

                // node two leaves: its caches are local and empty again, and it writes its own sessions back
                two.clusterManager().shutdown();
                await().atMost(Duration.ofSeconds(10)).until(() -> !two.cacheFactory().isClustered()
                        && two.routingTable().clientRoute(new JID("bob@localhost/desk")) != null);
                assertThat(two.routingTable().clientRoute(new JID("alice@localhost/phone"))).isNull();
                assertThat(two.sessionManager().getSessionInfo(new JID("bob@localhost/desk")).presenceXml()).contains("presence");
                assertThat(two.sessionManager().routesOf("bob@localhost")).containsOnlyKeys(new JID("bob@localhost/desk"));
            }
        }
    }
}
