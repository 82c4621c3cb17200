package org.skein.hazelcast.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jivesoftware.smack.ConnectionListener;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jivesoftware.smack.packet.StreamError;
import org.jxmpp.jid.impl.JidCreate;
import org.skein.XmppServer;
import org.skein.routing.ClientRoute;
import org.skein.session.SessionManager;
import org.xmpp.packet.JID;

/**
 * The small side of a split brain keeps serving its own users. When node three is cut off from nodes
 * one and two, the partitions of the clustered caches whose every copy was on one and two are gone
 * from three's view, with the entries of three's own sessions that lay in them. Three must put them
 * back: its users' bare JIDs still reach them (not offline storage), and its console's counts agree
 * ("in the cluster" is not less than "on this node").
 *
 * <p>A user cut off with the small side logs in again on the other side with the same full JID, while
 * her old connection stays open (what a server sees when the client's path died without a FIN). When
 * the sides merge, the newest login keeps the resource wherever it is, and the other connection is
 * closed with {@code conflict}.
 */
class SessionsThroughASplitIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int USERS = 24;

    @TempDir
    Path dir;

    private HazelcastNodes nodes;
    private final SmackLogins clients = new SmackLogins();

    @AfterEach
    void tearDown() throws Exception {
        clients.close();
        if (nodes != null) {
            nodes.close();
        }
    }

    /** Nodes one, two and three on one database, with merges after a split left to the test (600 s delays). */
    private List<XmppServer> startThreeNodes() {
        nodes = new HazelcastNodes(dir, "one", "two", "three");
        Map<String, String> config = new HashMap<>();
        config.put("db.url", "jdbc:h2:mem:split-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        config.put("hazelcast.merge.firstRunDelay", "600s");
        config.put("hazelcast.merge.nextRunDelay", "600s");
        // stanzas between nodes on the direct stream, as on the local cluster and any node with a cluster.secret
        // (SplitBrainIT keeps the Hazelcast transport of nodes without one)
        config.putAll(HazelcastNodes.directTransport());
        List<XmppServer> started = List.of(nodes.start("one", config), nodes.start("two", config), nodes.start("three", config));
        await().atMost(WAIT).until(() -> started.get(2).clusterManager().getNodesInfo().size() == 3);
        // the partitions move to two and three after they join: a login while they move is retried
        // partition by partition, and on a loaded machine (two test forks, load 30) the first login's
        // resource binding outlasted the client's 10 s reply timeout
        HazelcastNodes.awaitPartitionsSettled(WAIT, started.toArray(XmppServer[]::new));
        return started;
    }

    @Test
    void theSmallSidesUsersStayRoutableAndCountedDuringTheSplit() throws Exception {
        // the sides stay apart for the whole test: the merge is not what is checked here
        List<XmppServer> started = startThreeNodes();
        XmppServer one = started.get(0);
        XmppServer two = started.get(1);
        XmppServer three = started.get(2);

        List<XMPPTCPConnection> users = new ArrayList<>();
        List<List<Message>> inboxes = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            one.userManager().createUser("u" + i, "secret", "", "");
            List<Message> inbox = new CopyOnWriteArrayList<>();
            users.add(clients.login(three, "u" + i, "phone",
                    c -> c.addSyncStanzaListener(m -> inbox.add((Message) m), StanzaTypeFilter.MESSAGE)));
            inboxes.add(inbox);
        }
        await().atMost(WAIT).until(() -> one.sessionManager().getUserSessionsCount(false) == USERS);

        SplitBrain.split(Set.of(one, two), Set.of(three));
        await().atMost(WAIT).until(() -> three.clusterManager().getNodesInfo().size() == 1
                && one.clusterManager().getNodesInfo().size() == 2);

        // the console of the lone node: sessions on this node, in the cluster, and in the sessions list
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(three.sessionManager().getUserSessionsCount(true)).as("sessions on three").isEqualTo(USERS);
            assertThat(three.sessionManager().getUserSessionsCount(false)).as("sessions in three's cluster").isEqualTo(USERS);
            assertThat(three.cacheFactory().<String, Object>getCache(SessionManager.INFO_CACHE).orElseThrow().size())
                    .as("sessions listed by three's console").isEqualTo(USERS);
        });
        // every user of three is reached at the bare JID, live
        XMPPTCPConnection sender = users.get(0);
        for (int i = 1; i < USERS; i++) {
            sender.sendStanza(sender.getStanzaFactory().buildMessageStanza().to(JidCreate.entityBareFrom("u" + i + "@localhost"))
                    .ofType(Message.Type.chat).setBody("during the split " + i).build());
        }
        for (int i = 1; i < USERS; i++) {
            List<Message> inbox = inboxes.get(i);
            String body = "during the split " + i;
            await("u" + i + " got the message live").atMost(WAIT)
                    .until(() -> inbox.stream().anyMatch(m -> body.equals(m.getBody())));
        }
        assertThat(three.offlineMessageStore().count("u1")).as("messages parked offline for u1").isZero();
    }

    @Test
    void atTheMergeTheNewestLoginKeepsAResourceBoundOnBothSidesAndMessagesKeptDuringTheSplitReachTheirOnlineRecipient()
            throws Exception {
        // the sides stay apart until the test merges them
        List<XmppServer> started = startThreeNodes();
        XmppServer one = started.get(0);
        XmppServer two = started.get(1);
        XmppServer three = started.get(2);
        for (String user : List.of("alice", "bob", "carol", "dave", "erin", "frank")) {
            one.userManager().createUser(user, "secret", "", "");
        }
        // alice's old connection is on the small side, bob's on the large side
        List<Exception> aliceOldClosed = new CopyOnWriteArrayList<>();
        List<Exception> bobOldClosed = new CopyOnWriteArrayList<>();
        XMPPTCPConnection aliceOld = clients.login(three, "alice", "phone", c -> c.addConnectionListener(closedBy(aliceOldClosed)));
        XMPPTCPConnection bobOld = clients.login(one, "bob", "phone", c -> c.addConnectionListener(closedBy(bobOldClosed)));
        List<Message> frankInbox = new CopyOnWriteArrayList<>();
        clients.login(three, "frank", "phone", c -> c.addSyncStanzaListener(m -> frankInbox.add((Message) m), StanzaTypeFilter.MESSAGE));
        XMPPTCPConnection erin = clients.login(one, "erin", "desk");
        await().atMost(WAIT).until(() -> one.sessionManager().getUserSessionsCount(false) == 4);

        SplitBrain.split(Set.of(one, two), Set.of(three));
        await().atMost(WAIT).until(() -> three.clusterManager().getNodesInfo().size() == 1
                && one.clusterManager().getNodesInfo().size() == 2);
        // each logs in again on the other side, with the same resource
        List<Message> aliceInbox = new CopyOnWriteArrayList<>();
        List<Message> bobInbox = new CopyOnWriteArrayList<>();
        XMPPTCPConnection aliceNew = clients.login(one, "alice", "phone",
                c -> c.addSyncStanzaListener(m -> aliceInbox.add((Message) m), StanzaTypeFilter.MESSAGE));
        XMPPTCPConnection bobNew = clients.login(three, "bob", "phone",
                c -> c.addSyncStanzaListener(m -> bobInbox.add((Message) m), StanzaTypeFilter.MESSAGE));
        // erin, on the large side, writes to frank, online on the small side: the messages cannot reach him now
        for (int i = 0; i < 3; i++) {
            erin.sendStanza(erin.getStanzaFactory().buildMessageStanza().to(JidCreate.entityBareFrom("frank@localhost"))
                    .ofType(Message.Type.chat).setBody("across the split " + i).build());
        }
        await("erin's messages kept offline").atMost(WAIT).until(() -> one.offlineMessageStore().count("frank") == 3);
        assertThat(frankInbox).isEmpty();
        assertThat(aliceOld.isConnected()).as("alice's old connection, across the split").isTrue();
        assertThat(bobOld.isConnected()).as("bob's old connection, across the split").isTrue();

        SplitBrain.merge(Set.of(three), one);
        await().atMost(WAIT).until(() -> three.clusterManager().getNodesInfo().size() == 3
                && one.clusterManager().getNodesInfo().size() == 3);

        // the older connections are closed with conflict, the newer ones stay
        await("alice's old connection closed").atMost(WAIT).until(() -> !aliceOldClosed.isEmpty());
        await("bob's old connection closed").atMost(WAIT).until(() -> !bobOldClosed.isEmpty());
        assertThat(conditionOf(aliceOldClosed.get(0))).isEqualTo(StreamError.Condition.conflict);
        assertThat(conditionOf(bobOldClosed.get(0))).isEqualTo(StreamError.Condition.conflict);
        assertThat(aliceNew.isConnected()).as("alice's new connection").isTrue();
        assertThat(bobNew.isConnected()).as("bob's new connection").isTrue();
        // every node routes the full JIDs to the newer sessions
        JID alicePhone = new JID("alice@localhost/phone");
        JID bobPhone = new JID("bob@localhost/phone");
        for (XmppServer node : List.of(one, two, three)) {
            await().atMost(WAIT).untilAsserted(() -> {
                ClientRoute alice = node.routingTable().clientRoute(alicePhone);
                ClientRoute bob = node.routingTable().clientRoute(bobPhone);
                assertThat(alice).as("alice's route seen by " + node.nodeId()).isNotNull();
                assertThat(alice.node()).as("alice's route seen by " + node.nodeId()).isEqualTo(one.nodeId());
                assertThat(bob).as("bob's route seen by " + node.nodeId()).isNotNull();
                assertThat(bob.node()).as("bob's route seen by " + node.nodeId()).isEqualTo(three.nodeId());
            });
        }
        // and messages from every node, to the full and the bare JID, reach them live
        XMPPTCPConnection carol = clients.login(two, "carol", "desk");
        XMPPTCPConnection dave = clients.login(three, "dave", "desk");
        int sent = 0;
        for (XMPPTCPConnection sender : List.of(carol, dave)) {
            for (String to : List.of("alice@localhost/phone", "alice@localhost", "bob@localhost/phone", "bob@localhost")) {
                sender.sendStanza(sender.getStanzaFactory().buildMessageStanza().to(JidCreate.from(to))
                        .ofType(Message.Type.chat).setBody("after the merge " + sent++).build());
            }
        }
        await("alice got her 4 messages").atMost(WAIT).until(() -> aliceInbox.size() == 4);
        await("bob got his 4 messages").atMost(WAIT).until(() -> bobInbox.size() == 4);
        assertThat(one.offlineMessageStore().count("alice")).as("messages parked offline for alice").isZero();
        assertThat(one.offlineMessageStore().count("bob")).as("messages parked offline for bob").isZero();
        // frank got erin's messages after the merge, in order, without logging in again
        await("frank got the messages kept during the split").atMost(WAIT).until(() -> frankInbox.size() == 3);
        assertThat(frankInbox).extracting(Message::getBody).containsExactly("across the split 0", "across the split 1", "across the split 2");
        assertThat(one.offlineMessageStore().count("frank")).isZero();
    }

    private static ConnectionListener closedBy(List<Exception> errors) {
        return new ConnectionListener() {
            @Override
            public void connectionClosedOnError(Exception e) {
                errors.add(e);
            }
        };
    }

    private static StreamError.Condition conditionOf(Exception e) {
        assertThat(e).isInstanceOf(XMPPException.StreamErrorException.class);
        return ((XMPPException.StreamErrorException) e).getStreamError().getCondition();
    }
}
