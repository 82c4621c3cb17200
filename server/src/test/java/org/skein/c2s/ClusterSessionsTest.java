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
import static org.skein.c2s.ClusterFixtures.sendPresence;
import static org.skein.c2s.ClusterFixtures.users;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.ConnectionListener;
import org.jivesoftware.smack.XMPPException.StreamErrorException;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.StreamError;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.roster.SubscribeListener;
import org.jivesoftware.smack.roster.packet.RosterPacket;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jivesoftware.smackx.ping.PingManager;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.skein.XmppServer;
import org.skein.cache.Cache;
import org.skein.routing.ClientRoute;
import org.skein.routing.RemotePacketRouter;
import org.skein.routing.RoutingTable;
import org.skein.session.ClientSession;
import org.skein.session.LocalClientSession;
import org.skein.session.RemoteClientSession;
import org.skein.session.SessionInfo;
import org.skein.session.SessionManager;
import org.skein.testing.ClusteredNodes;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.JID;

/**
 * One XMPP domain over several in-JVM nodes on the in-memory cluster, with real Smack clients:
 * subscriptions, presence and roster pushes across nodes, bare-JID delivery by priority wherever the
 * resources are, a login that takes a resource held by another node, racing logins of one user on two
 * nodes, cluster-wide counts, sessions read and closed on another node, broadcast, and packets the
 * remote router cannot deliver.
 */
class ClusterSessionsTest {

    @TempDir
    Path dir;

    private static BareJid bare(String jid) throws Exception {
        return JidCreate.bareFrom(jid);
    }

    @Test
    void usersOnTwoNodesSubscribeSeeEachOtherAndGetRosterPushesOnEveryNode() throws Exception {
        try (ClusteredNodes cluster = new ClusteredNodes(dir)) {
            XmppServer one = cluster.start("one");
            XmppServer two = cluster.start("two");
            users(one, "alice", "bob");
            try (SmackClients onOne = new SmackClients(one); SmackClients onTwo = new SmackClients(two)) {
                XMPPTCPConnection alice = onOne.login("alice", "secret", "phone");
                XMPPTCPConnection bob = onTwo.login("bob", "secret", "desk");
                XMPPTCPConnection aliceTablet = onTwo.login("alice", "secret", "tablet");
                Roster aliceRoster = Roster.getInstanceFor(alice);
                Roster bobRoster = Roster.getInstanceFor(bob);
                Roster tabletRoster = Roster.getInstanceFor(aliceTablet);
                tabletRoster.setSubscriptionMode(Roster.SubscriptionMode.manual); // Smack would refuse requests on its own
                for (Roster roster : List.of(aliceRoster, bobRoster, tabletRoster)) {
                    // the login-time roster, not reloadAndWait (its late second answer can undo pushes; see SmackRosterPresenceTest)
                    await().atMost(WAIT).until(roster::isLoaded);
                }
                await().atMost(WAIT).until(() -> one.routingTable().clientRoute(new JID("bob@localhost/desk")).available());
                bobRoster.addSubscribeListener((from, request) -> SubscribeListener.SubscribeAnswer.Approve);
                aliceRoster.addSubscribeListener((from, request) -> SubscribeListener.SubscribeAnswer.Approve);

                aliceRoster.createItemAndRequestSubscription(bare("bob@localhost"), "Bob", null);
                await().atMost(WAIT).until(() -> aliceRoster.getEntry(bare("bob@localhost")).getType() == RosterPacket.ItemType.to);
                bobRoster.sendSubscriptionRequest(bare("alice@localhost"));
                await().atMost(WAIT).until(() -> aliceRoster.getEntry(bare("bob@localhost")) != null
                        && aliceRoster.getEntry(bare("bob@localhost")).getType() == RosterPacket.ItemType.both);
                // the roster pushes reached alice's resource on the other node
                await().atMost(WAIT).until(() -> tabletRoster.getEntry(bare("bob@localhost")) != null
                        && tabletRoster.getEntry(bare("bob@localhost")).getType() == RosterPacket.ItemType.both);
                // presence both ways, and bob sees both of alice's resources, one on each node
                await().atMost(WAIT).until(() -> aliceRoster.getPresence(bare("bob@localhost")).isAvailable()
                        && tabletRoster.getPresence(bare("bob@localhost")).isAvailable()
                        && bobRoster.getAvailablePresences(bare("alice@localhost")).size() == 2);

                aliceRoster.getEntry(bare("bob@localhost")).setName("Bobby");
                await().atMost(WAIT).until(() -> "Bobby".equals(tabletRoster.getEntry(bare("bob@localhost")).getName()));

                List<Message> tabletInbox = messages(aliceTablet);
                List<Message> phoneInbox = messages(alice);
                send(bob, "alice@localhost/phone", Message.Type.chat, "to the phone on node one");
                send(alice, "alice@localhost/tablet", Message.Type.chat, "to my tablet on node two");
                await().atMost(WAIT).until(() -> hasBody(phoneInbox, "to the phone on node one")
                        && hasBody(tabletInbox, "to my tablet on node two"));

                // alice's phone goes offline: bob, on the other node, sees that resource unavailable
                alice.disconnect();
                await().atMost(WAIT).until(() -> bobRoster.getAvailablePresences(bare("alice@localhost")).size() == 1);
            }
        }
    }

    @Test
    void bareJidMessagesGoToTheHighestPriorityResourcesWhateverTheirNode() throws Exception {
        try (ClusteredNodes cluster = new ClusteredNodes(dir)) {
            XmppServer one = cluster.start("one");
            XmppServer two = cluster.start("two");
            users(one, "bob", "carol");
            try (SmackClients onOne = new SmackClients(one); SmackClients onTwo = new SmackClients(two)) {
                XMPPTCPConnection low = onOne.login("bob", "secret", "low");
                XMPPTCPConnection high = onTwo.login("bob", "secret", "high");
                XMPPTCPConnection carol = onOne.login("carol", "secret", "pc");
                List<Message> lowInbox = messages(low);
                List<Message> highInbox = messages(high);
                sendPresence(low, 1);
                sendPresence(high, 5);
                awaitPriority(one, "bob@localhost/low", 1);
                awaitPriority(one, "bob@localhost/high", 5);

                send(carol, "bob@localhost", Message.Type.chat, "first");
                await().atMost(WAIT).until(() -> hasBody(highInbox, "first"));
                // a message to the low resource (on carol's node) comes after "first" would have
                send(carol, "bob@localhost/low", Message.Type.chat, "marker 1");
                await().atMost(WAIT).until(() -> hasBody(lowInbox, "marker 1"));
                assertThat(hasBody(lowInbox, "first")).isFalse();

                sendPresence(high, 1);
                awaitPriority(one, "bob@localhost/high", 1);
                send(carol, "bob@localhost", Message.Type.chat, "second");
                await().atMost(WAIT).until(() -> hasBody(highInbox, "second") && hasBody(lowInbox, "second"));

                sendPresence(high, -1);
                awaitPriority(one, "bob@localhost/high", -1);
                send(carol, "bob@localhost", Message.Type.chat, "third");
                send(carol, "bob@localhost/high", Message.Type.chat, "marker 2");
                await().atMost(WAIT).until(() -> hasBody(lowInbox, "third") && hasBody(highInbox, "marker 2"));
                assertThat(hasBody(highInbox, "third")).isFalse();
            }
        }
    }

    private static void awaitPriority(XmppServer node, String fullJid, int priority) {
        await().atMost(WAIT).until(() -> {
            var route = node.routingTable().clientRoute(new JID(fullJid));
            return route != null && route.available() && route.priority() == priority;
        });
    }

    @Test
    void aLoginWithAResourceHeldByAnotherNodeReplacesThatSessionWithConflict() throws Exception {
        try (ClusteredNodes cluster = new ClusteredNodes(dir)) {
            XmppServer one = cluster.start("one");
            XmppServer two = cluster.start("two");
            users(one, "alice", "bob");
            befriend(one, "alice", "bob");
            try (SmackClients onOne = new SmackClients(one); SmackClients onTwo = new SmackClients(two)) {
                XMPPTCPConnection alice = onOne.login("alice", "secret", "phone");
                List<Presence> aliceSees = presences(alice);
                XMPPTCPConnection oldBob = onTwo.login("bob", "secret", "desk");
                List<Exception> closedWith = new CopyOnWriteArrayList<>();
                oldBob.addConnectionListener(new ConnectionListener() {
                    @Override
                    public void connectionClosedOnError(Exception e) {
                        closedWith.add(e);
                    }
                });
                await().atMost(WAIT).until(() -> availableFrom(aliceSees, "bob@localhost/desk"));

                XMPPTCPConnection newBob = onOne.login("bob", "secret", "desk");
                await().atMost(WAIT).until(() -> !closedWith.isEmpty());
                assertThat(closedWith.get(0)).isInstanceOf(StreamErrorException.class);
                assertThat(((StreamErrorException) closedWith.get(0)).getStreamError().getCondition())
                        .isEqualTo(StreamError.Condition.conflict);
                assertThat(newBob.isAuthenticated()).isTrue();
                await().atMost(WAIT).until(() -> !oldBob.isConnected());

                // node two closed its session without taking the new route or session info with it
                JID desk = new JID("bob@localhost/desk");
                await().atMost(WAIT).until(() -> two.routingTable().localSession(desk) == null);
                for (XmppServer node : List.of(one, two)) {
                    assertThat(node.routingTable().clientRoute(desk).node()).isEqualTo(one.nodeId());
                    assertThat(node.sessionManager().routesOf("bob@localhost")).containsOnlyKeys(desk);
                    assertThat(node.sessionManager().getSessionInfo(desk).node()).isEqualTo(one.nodeId());
                }
                // alice saw the old session go, then the new one come
                await().atMost(WAIT).until(() -> availableFrom(aliceSees, "bob@localhost/desk"));
                assertThat(ClusterFixtures.unavailableFrom(aliceSees, "bob@localhost/desk")).isEqualTo(1);
                List<Message> bobInbox = messages(newBob);
                send(alice, "bob@localhost/desk", Message.Type.chat, "still there?");
                await().atMost(WAIT).until(() -> hasBody(bobInbox, "still there?"));
            }
        }
    }

    @Test
    void aSessionEndingLateOnItsOldNodeLeavesTheRouteOfTheNewLoginAlone() throws Exception {
        try (ClusteredNodes cluster = new ClusteredNodes(dir)) {
            XmppServer one = cluster.start("one");
            XmppServer two = cluster.start("two");
            JID desk = new JID("bob@localhost/desk");
            LocalClientSession old = new LocalClientSession(new ClusterFixtures.NoSocket(), desk, two.nodeId(), "old", Instant.now());
            two.routingTable().addClientRoute(old);
            // a login on node one takes the full JID before node two has let go of its session
            LocalClientSession taken = new LocalClientSession(new ClusterFixtures.NoSocket(), desk, one.nodeId(), "new", Instant.now());
            one.routingTable().addClientRoute(taken);

            old.setPresence(new org.xmpp.packet.Presence());
            two.routingTable().updateClientRoute(old);
            assertThat(two.routingTable().removeClientRoute(old)).isTrue();

            for (XmppServer node : List.of(one, two)) {
                assertThat(node.routingTable().clientRoute(desk)).isEqualTo(new ClientRoute(one.nodeId(), false, 0));
                assertThat(node.sessionManager().routesOf("bob@localhost")).containsOnlyKeys(desk);
            }
            assertThat(two.routingTable().localSession(desk)).isNull();
            assertThat(one.routingTable().localSession(desk)).isSameAs(taken);
        }
    }

    /**
     * What a merge after a split brain leaves: one full JID bound on two nodes, and the rejoining node's
     * copy of its older session written over the newer one's route and session info. The newest login
     * keeps the resource: its node writes its entries again, and the older session is closed with
     * conflict, with no unavailable presence sent for a full JID that is still online.
     */
    @Test
    void aFullJidBoundOnTwoNodesAtOnceStaysWithTheNewestLogin() throws Exception {
        try (ClusteredNodes cluster = new ClusteredNodes(dir)) {
            XmppServer one = cluster.start("one");
            XmppServer two = cluster.start("two");
            JID desk = new JID("bob@localhost/desk");
            ClusterFixtures.NoSocket newer = new ClusterFixtures.NoSocket();
            LocalClientSession taken = new LocalClientSession(newer, desk, one.nodeId(), "new", Instant.now());
            one.routingTable().addClientRoute(taken);
            one.cacheFactory().<String, SessionInfo>getCache(SessionManager.INFO_CACHE).orElseThrow().put(desk.toString(),
                    new SessionInfo(one.nodeId(), "", 0, taken.creationTime().toEpochMilli(), "127.0.0.1:5222", "new"));
            // the other side's older session, copied over the newer one's entries as a merge does
            ClusterFixtures.NoSocket older = new ClusterFixtures.NoSocket();
            LocalClientSession stale = new LocalClientSession(older, desk, two.nodeId(), "old", Instant.now().minusSeconds(60));
            stale.setPresence(new org.xmpp.packet.Presence());
            two.routingTable().addClientRoute(stale);
            two.cacheFactory().<String, SessionInfo>getCache(SessionManager.INFO_CACHE).orElseThrow().put(desk.toString(),
                    new SessionInfo(two.nodeId(), "<presence/>", 0, stale.creationTime().toEpochMilli(), "127.0.0.1:5222", "old"));

            await().atMost(WAIT).until(() -> older.closedWith != null);
            assertThat(older.closedWith.toXMPP()).as("the older session's stream error").isEqualTo("conflict");
            assertThat(newer.closedWith).as("the newer session").isNull();
            assertThat(stale.isAvailable()).as("the closed session's presence (no unavailable broadcast)").isFalse();
            for (XmppServer node : List.of(one, two)) {
                await().atMost(WAIT).untilAsserted(() -> {
                    assertThat(node.routingTable().clientRoute(desk)).isNotNull();
                    assertThat(node.routingTable().clientRoute(desk).node()).isEqualTo(one.nodeId());
                    assertThat(node.sessionManager().getSessionInfo(desk).streamId()).isEqualTo("new");
                });
            }
            assertThat(two.routingTable().localSession(desk)).isNull();
            assertThat(one.routingTable().localSession(desk)).isSameAs(taken);
        }
    }

    /**
     * After a merge the rejoining side's copy of the routes can land after the conflict over a full JID was
     * settled (each cache is copied on its own): the route names the node whose session lost, and that
     * session's closing then removes it. The node that holds the session writes its route again, whether
     * another node overwrote it or removed it.
     */
    @Test
    void theRouteOfAnOpenSessionThatAnotherNodeOverwritesOrRemovesIsWrittenAgain() throws Exception {
        try (ClusteredNodes cluster = new ClusteredNodes(dir)) {
            XmppServer one = cluster.start("one");
            XmppServer two = cluster.start("two");
            JID desk = new JID("carol@localhost/desk");
            ClusterFixtures.NoSocket socket = new ClusterFixtures.NoSocket();
            LocalClientSession session = new LocalClientSession(socket, desk, one.nodeId(), "s1", Instant.now());
            session.setPresence(new org.xmpp.packet.Presence());
            one.routingTable().addClientRoute(session);
            one.cacheFactory().<String, SessionInfo>getCache(SessionManager.INFO_CACHE).orElseThrow().put(desk.toString(),
                    new SessionInfo(one.nodeId(), "<presence/>", 0, session.creationTime().toEpochMilli(), "127.0.0.1:5222", "s1"));
            Cache<String, ClientRoute> routesSeenByTwo = two.cacheFactory().<String, ClientRoute>getCache(RoutingTable.USERS_CACHE).orElseThrow();

            // a stale copy from node two's side
            routesSeenByTwo.put(desk.toString(), new ClientRoute(two.nodeId(), true, 0));
            for (XmppServer node : List.of(one, two)) {
                await().atMost(WAIT).untilAsserted(() ->
                        assertThat(node.routingTable().clientRoute(desk)).extracting(ClientRoute::node).isEqualTo(one.nodeId()));
            }
            // removed by node two (a closing that took the route for its own)
            routesSeenByTwo.remove(desk.toString());
            for (XmppServer node : List.of(one, two)) {
                await().atMost(WAIT).untilAsserted(() ->
                        assertThat(node.routingTable().clientRoute(desk)).extracting(ClientRoute::node).isEqualTo(one.nodeId()));
            }
            assertThat(socket.closedWith).as("the session").isNull();
        }
    }

    @Test
    void resourcesOfOneUserBoundAtTheSameMomentOnTwoNodesAllKeepTheirRoutes() throws Exception {
        try (ClusteredNodes cluster = new ClusteredNodes(dir)) {
            XmppServer one = cluster.start("one");
            XmppServer two = cluster.start("two");
            int rounds = 200;
            CyclicBarrier barrier = new CyclicBarrier(2);
            ExecutorService threads = Executors.newFixedThreadPool(2);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (XmppServer node : List.of(one, two)) {
                    done.add(threads.submit(() -> {
                        for (int i = 0; i < rounds; i++) {
                            barrier.await(10, TimeUnit.SECONDS);
                            node.sessionManager().bind(new ClusterFixtures.NoSocket(), "racer", node.nodeId().value() + "-" + i, "s" + i);
                        }
                        return null;
                    }));
                }
                for (Future<?> future : done) {
                    future.get(30, TimeUnit.SECONDS);
                }
            } finally {
                threads.shutdownNow();
            }
            for (XmppServer node : List.of(one, two)) {
                assertThat(node.sessionManager().routesOf("racer@localhost")).hasSize(2 * rounds);
            }
            assertThat(one.sessionManager().getUserSessionsCount(false)).isEqualTo(2 * rounds);
            assertThat(one.sessionManager().getUsersCount(false)).isEqualTo(1);
        }
    }

    @Test
    void sessionsAreCountedReadClosedAndBroadcastToAcrossTheCluster() throws Exception {
        try (ClusteredNodes cluster = new ClusteredNodes(dir)) {
            XmppServer one = cluster.start("one");
            XmppServer two = cluster.start("two");
            XmppServer three = cluster.start("three");
            users(one, "alice", "bob", "carol");
            try (SmackClients onOne = new SmackClients(one); SmackClients onTwo = new SmackClients(two);
                 SmackClients onThree = new SmackClients(three)) {
                XMPPTCPConnection alice = onOne.login("alice", "secret", "phone");
                XMPPTCPConnection bob = onTwo.login("bob", "secret", "desk");
                XMPPTCPConnection bobPhone = onThree.login("bob", "secret", "phone");
                XMPPTCPConnection carol = onThree.login("carol", "secret", "pc");
                sendPresence(bob, 3);
                await().atMost(WAIT).until(() -> one.sessionManager().getSessionInfo(new JID("bob@localhost/desk")).isAvailable());

                for (XmppServer node : List.of(one, two, three)) {
                    assertThat(node.sessionManager().getUserSessionsCount(false)).isEqualTo(4);
                    assertThat(node.sessionManager().getUsersCount(false)).isEqualTo(3);
                }
                assertThat(three.sessionManager().getUserSessionsCount(true)).isEqualTo(2);
                assertThat(three.sessionManager().getUsersCount(true)).isEqualTo(2);
                assertThat(one.sessionManager().clusterSessions()).extracting(s -> s.address().toString())
                        .containsExactlyInAnyOrder("alice@localhost/phone", "bob@localhost/desk", "bob@localhost/phone", "carol@localhost/pc");

                // a session on another node, read without asking that node
                ClientSession remote = one.sessionManager().getSession(new JID("bob@localhost/desk"));
                assertThat(remote).isInstanceOf(RemoteClientSession.class);
                assertThat(remote.node()).isEqualTo(two.nodeId());
                assertThat(remote.isAvailable()).isTrue();
                assertThat(remote.priority()).isEqualTo(3);
                assertThat(remote.presence().getPriority()).isEqualTo(3);
                assertThat(remote.streamId()).isEqualTo(bob.getStreamId());
                assertThat(remote.clientAddress()).startsWith("/127.0.0.1:");
                assertThat(remote.creationTime().toEpochMilli())
                        .isEqualTo(two.sessionManager().getLocalSession(new JID("bob@localhost/desk")).creationTime().toEpochMilli());
                List<Message> bobInbox = messages(bob);
                org.xmpp.packet.Message direct = new org.xmpp.packet.Message();
                direct.setFrom("localhost");
                direct.setTo(remote.address());
                direct.setBody("through the remote session");
                remote.deliver(direct);
                await().atMost(WAIT).until(() -> hasBody(bobInbox, "through the remote session"));

                // broadcast from node one reaches every session on every node
                List<List<Message>> inboxes = List.of(messages(alice), bobInbox, messages(bobPhone), messages(carol));
                org.xmpp.packet.Message announcement = new org.xmpp.packet.Message();
                announcement.setFrom("localhost");
                announcement.setType(org.xmpp.packet.Message.Type.headline);
                announcement.setBody("maintenance at noon");
                assertThat(one.sessionManager().broadcast(announcement)).isEqualTo(1);
                await().atMost(WAIT).until(() -> inboxes.stream().allMatch(inbox -> hasBody(inbox, "maintenance at noon")));

                // closing a session held by another node
                List<Exception> closedWith = new CopyOnWriteArrayList<>();
                carol.addConnectionListener(new ConnectionListener() {
                    @Override
                    public void connectionClosedOnError(Exception e) {
                        closedWith.add(e);
                    }
                });
                assertThat(one.sessionManager().closeSession(new JID("carol@localhost/pc"),
                        org.xmpp.packet.StreamError.Condition.policy_violation, "closed by an admin")).isTrue();
                await().atMost(WAIT).until(() -> !closedWith.isEmpty());
                assertThat(((StreamErrorException) closedWith.get(0)).getStreamError().getCondition())
                        .isEqualTo(StreamError.Condition.policy_violation);
                await().atMost(WAIT).until(() -> one.sessionManager().getUserSessionsCount(false) == 3
                        && one.routingTable().clientRoute(new JID("carol@localhost/pc")) == null);
                assertThat(one.sessionManager().closeSession(new JID("carol@localhost/pc"),
                        org.xmpp.packet.StreamError.Condition.policy_violation, "again")).isFalse();

                // and through the remote session view, without waiting
                List<Exception> phoneClosed = new CopyOnWriteArrayList<>();
                bobPhone.addConnectionListener(new ConnectionListener() {
                    @Override
                    public void connectionClosedOnError(Exception e) {
                        phoneClosed.add(e);
                    }
                });
                one.sessionManager().getSession(new JID("bob@localhost/phone"))
                        .close(org.xmpp.packet.StreamError.Condition.system_shutdown, "bye");
                await().atMost(WAIT).until(() -> !phoneClosed.isEmpty()
                        && one.routingTable().clientRoute(new JID("bob@localhost/phone")) == null);
            }
        }
    }

    @Test
    void packetsTheRemoteRouterCannotDeliverAreHandledAsForAnOfflineUserLoggedAndCounted() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger("org.skein.UndeliverablePackets");
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        logger.addAppender(log);
        try (ClusteredNodes cluster = new ClusteredNodes(dir)) {
            XmppServer one = cluster.start("one");
            XmppServer two = cluster.start("two");
            users(one, "alice", "bob");
            try (SmackClients onOne = new SmackClients(one); SmackClients onTwo = new SmackClients(two)) {
                XMPPTCPConnection alice = onOne.login("alice", "secret", "phone");
                XMPPTCPConnection bob = onTwo.login("bob", "secret", "desk");
                XMPPTCPConnection bobLaptop = onTwo.login("bob", "secret", "laptop");
                await().atMost(WAIT).until(() -> one.routingTable().clientRoute(new JID("bob@localhost/desk")).available()
                        && one.routingTable().clientRoute(new JID("bob@localhost/laptop")).available());
                // node one's router accepts every packet and then finds the destination unreachable
                ExecutorService failing = Executors.newSingleThreadExecutor();
                try {
                    RemotePacketRouter broken = (node, recipient, packet) -> {
                        failing.execute(() -> one.routingTable().remoteDeliveryFailed(node, recipient, packet));
                        return true;
                    };
                    one.routingTable().setRemotePacketRouter(broken);

                    // an IQ request gets an error back; the route that failed is dropped
                    assertThat(PingManager.getInstanceFor(alice).ping(JidCreate.entityFullFrom("bob@localhost/desk"))).isFalse();
                    assertThat(one.routingTable().remoteDeliveryFailures()).isEqualTo(1);
                    assertThat(one.routingTable().clientRoute(new JID("bob@localhost/desk"))).isNull();

                    // a message is routed again as for an unavailable resource: bob has none left, so it is stored
                    send(alice, "bob@localhost/laptop", Message.Type.chat, "kept for later");
                    await().atMost(WAIT).until(() -> one.offlineMessageStore().count("bob") == 1);
                    assertThat(one.routingTable().remoteDeliveryFailures()).isEqualTo(2);
                    assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage)
                            .anyMatch(m -> m.contains("IQ for bob@localhost/desk could not reach its node"))
                            .anyMatch(m -> m.contains("message for bob@localhost/laptop could not reach its node"));
                } finally {
                    failing.shutdownNow();
                }
                assertThat(bobLaptop.isConnected()).isTrue();
                assertThat(bob.isConnected()).isTrue();
            }
        } finally {
            logger.detachAppender(log);
        }
    }
}
