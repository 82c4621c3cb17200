package org.skein.hazelcast.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.ping.PingManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.jxmpp.jid.impl.JidCreate;
import org.skein.XmppServer;
import org.skein.cluster.NodeID;
import org.skein.plugin.AdminPageModel;
import org.skein.routing.RemotePacketRouter;
import org.xmpp.packet.JID;

/**
 * The plugin's remote packet router between two nodes with real Hazelcast members and real Smack
 * clients: alice on node one, bob on node two. Node one's queue to another node is small (100
 * stanzas, batches of 50, 2 batches in flight) so that backpressure is reached with few messages.
 * The counters are read from the node page, as an admin sees them. The last test takes node two's
 * member down.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PacketRouterIT {

    private static final String BOB_PHONE = "bob@localhost/phone";
    private static final String ALICE_DESK = "alice@localhost/desk";

    @TempDir
    static Path dir;

    private static HazelcastNodes nodes;
    private static XmppServer one;
    private static XmppServer two;
    private final SmackLogins clients = new SmackLogins();

    @BeforeAll
    static void startTwoNodes() throws Exception {
        nodes = new HazelcastNodes(dir, "one", "two");
        one = nodes.start("one", Map.of("hazelcast.router.queueSize", "100", "hazelcast.router.batchSize", "50",
                "hazelcast.router.batchesInFlight", "2",
                "hazelcast.router.enqueueTimeout", "60s"));
        two = nodes.start("two");
        await().atMost(Duration.ofSeconds(30)).until(() -> one.clusterManager().getNodesInfo().size() == 2);
        for (XmppServer node : List.of(one, two)) {
            node.userManager().createUser("alice", "secret", "", "");
            node.userManager().createUser("bob", "secret", "", "");
        }
    }

    @AfterEach
    void disconnect() throws Exception {
        clients.close();
        if (two != null) {
            receiveHook(two, null);
        }
    }

    @AfterAll
    static void stopNodes() throws Exception {
        nodes.close();
        assertThat(routerThreads("one")).isEmpty();
        assertThat(routerThreads("two")).isEmpty();
    }

    @Test
    @Order(1)
    void messagesAndPingsGoBothWays() throws Exception {
        XMPPTCPConnection alice = clients.login(one, "alice", "desk");
        List<Message> aliceInbox = inbox(alice);
        XMPPTCPConnection bob = clients.login(two, "bob", "phone");
        List<Message> bobInbox = inbox(bob);
        PingManager.getInstanceFor(bob);
        awaitAvailableRoute(one, BOB_PHONE);
        awaitAvailableRoute(two, ALICE_DESK);

        send(alice, BOB_PHONE, "hello bob");
        await().atMost(Duration.ofSeconds(10)).until(() -> bodies(bobInbox).contains("hello bob"));
        assertThat(bobInbox.get(0).getFrom().toString()).isEqualTo(ALICE_DESK);
        send(bob, ALICE_DESK, "hello alice");
        await().atMost(Duration.ofSeconds(10)).until(() -> bodies(aliceInbox).contains("hello alice"));
        send(alice, "bob@localhost", "to the bare JID");
        await().atMost(Duration.ofSeconds(10)).until(() -> bodies(bobInbox).contains("to the bare JID"));

        assertThat(PingManager.getInstanceFor(alice).ping(JidCreate.from(BOB_PHONE))).isTrue();
        assertThat(sentTo(one, "two").get("failed")).isEqualTo(0L);
        assertThat((Long) received(two, "one").get("delivered")).isGreaterThanOrEqualTo(3L);
        assertThat((Long) received(one, "two").get("delivered")).isGreaterThanOrEqualTo(2L);
    }

    @Test
    @Order(2)
    void tenThousandNumberedMessagesArriveCompleteAndInOrder() throws Exception {
        XMPPTCPConnection alice = clients.login(one, "alice", "desk");
        XMPPTCPConnection bob = clients.login(two, "bob", "phone");
        List<Message> bobInbox = inbox(bob);
        awaitAvailableRoute(one, BOB_PHONE);
        long sentBefore = (Long) sentTo(one, "two").get("sent");

        for (int i = 0; i < 10_000; i++) {
            send(alice, BOB_PHONE, "n" + i);
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> bobInbox.size() >= 10_000);
        assertThat(bodies(bobInbox)).containsExactlyElementsOf(numbered("n", 10_000));
        Map<String, Object> toTwo = sentTo(one, "two");
        assertThat((Long) toTwo.get("sent") - sentBefore).isGreaterThanOrEqualTo(10_000L);
        assertThat(toTwo.get("failed")).isEqualTo(0L);
        assertThat((Long) toTwo.get("batches")).isGreaterThanOrEqualTo(200L); // at most 50 per batch on node one
    }

    @Test
    @Order(3)
    void aSlowDestinationFillsTheQueueAndTheSenderWaitsWithoutLossOrReordering() throws Exception {
        XMPPTCPConnection alice = clients.login(one, "alice", "desk");
        XMPPTCPConnection bob = clients.login(two, "bob", "phone");
        List<Message> bobInbox = inbox(bob);
        awaitAvailableRoute(one, BOB_PHONE);
        long pushbacksBefore = (Long) sentTo(one, "two").get("pushbacks");
        CountDownLatch release = new CountDownLatch(1);
        receiveHook(two, stall(release));
        try {
            for (int i = 0; i < 400; i++) {
                send(alice, BOB_PHONE, "slow" + i);
            }
            // 100 waiting and the 2 batches in flight (1 to 50 stanzas each: the one held by the stalled receiver
            // and the one that waits there for it): the sender is held back
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                Map<String, Object> toTwo = sentTo(one, "two");
                assertThat((Long) toTwo.get("queued")).isBetween(102L, 200L);
                assertThat((Long) toTwo.get("pushbacks")).isGreaterThan(pushbacksBefore);
            });
            assertThat(bodies(bobInbox)).isEmpty();
        } finally {
            release.countDown();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> bobInbox.size() >= 400);
        assertThat(bodies(bobInbox)).containsExactlyElementsOf(numbered("slow", 400));
        assertThat(sentTo(one, "two")).containsEntry("failed", 0L).containsEntry("queued", 0L);
    }

    @Test
    @Order(4)
    void garbageBytesAreCountedAndLoggedAndTheNodeGoesOn() throws Exception {
        XMPPTCPConnection alice = clients.login(one, "alice", "desk");
        XMPPTCPConnection bob = clients.login(two, "bob", "phone");
        List<Message> bobInbox = inbox(bob);
        awaitAvailableRoute(one, BOB_PHONE);
        long malformedBefore = (Long) received(two, "one").get("malformed");
        RemotePacketRouter router = one.routingTable().getRemotePacketRouter();

        // a packet whose XML is not XML travels as it is: node two cannot read it
        org.xmpp.packet.Message garbage = new org.xmpp.packet.Message() {
            @Override
            public String toXML() {
                return "<message to='" + BOB_PHONE + "'><body>unclosed \uFFFE <<<";
            }
        };
        assertThat(router.routePacket(NodeID.of("two"), new JID(BOB_PHONE), garbage)).isTrue();
        send(alice, BOB_PHONE, "after the garbage");

        await().atMost(Duration.ofSeconds(10)).until(() -> bodies(bobInbox).contains("after the garbage"));
        assertThat(bodies(bobInbox)).containsExactly("after the garbage");
        assertThat((Long) received(two, "one").get("malformed")).isEqualTo(malformedBefore + 1);
        assertThat(two.clusterManager().getNodesInfo()).hasSize(2);
    }

    @Test
    @Order(5)
    void aMessageForAFullJidWithNoSessionOnTheDestinationIsHandledThereAsUndeliverable() throws Exception {
        clients.login(one, "alice", "desk");
        XMPPTCPConnection bob = clients.login(two, "bob", "phone");
        List<Message> bobInbox = inbox(bob);
        awaitAvailableRoute(one, BOB_PHONE);
        long undeliverableBefore = (Long) received(two, "one").get("undeliverable");
        RemotePacketRouter router = one.routingTable().getRemotePacketRouter();

        // node one believes bob@localhost/tablet is on node two (a stale route): node two has no such session, so it
        // does not write the message anywhere as it is, but parses it and handles it as for an unavailable resource:
        // a chat message to a full JID that is not there goes to the user's available resources
        org.xmpp.packet.Message message = new org.xmpp.packet.Message();
        message.setFrom(ALICE_DESK);
        message.setTo("bob@localhost/tablet");
        message.setType(org.xmpp.packet.Message.Type.chat);
        message.setBody("to a resource that is gone");
        assertThat(router.routePacket(NodeID.of("two"), new JID("bob@localhost/tablet"), message)).isTrue();

        await().atMost(Duration.ofSeconds(10)).until(() -> bodies(bobInbox).contains("to a resource that is gone"));
        assertThat(bobInbox.get(0).getTo().toString()).isEqualTo("bob@localhost/tablet");
        assertThat((Long) received(two, "one").get("undeliverable")).isEqualTo(undeliverableBefore + 1);
    }

    @Test
    @Order(10)
    void aPresenceBroadcastToManyContactsOnAnotherNodeCrossesOnceAndEachContactGetsItOnce() throws Exception {
        int contacts = 25;
        XMPPTCPConnection alice = clients.login(one, "alice", "desk");
        Map<String, List<org.jivesoftware.smack.packet.Presence>> received = new java.util.concurrent.ConcurrentHashMap<>();
        for (int i = 0; i < contacts; i++) {
            String contact = "contact" + i;
            for (XmppServer node : List.of(one, two)) {
                // each node has its own database here (getUser would answer from the clustered cache)
                node.userManager().createUser(contact, "secret", "", "");
            }
            one.rosterManager().update("alice", contact + "@localhost", item -> new org.skein.roster.RosterItem(contact + "@localhost",
                    contact, java.util.Set.of(), org.skein.roster.Subscription.BOTH, false, false));
            List<org.jivesoftware.smack.packet.Presence> inbox = new CopyOnWriteArrayList<>();
            received.put(contact, inbox);
            XMPPTCPConnection connection = clients.login(two, contact, "phone");
            connection.addSyncStanzaListener(p -> {
                org.jivesoftware.smack.packet.Presence presence = (org.jivesoftware.smack.packet.Presence) p;
                if ("broadcast".equals(presence.getStatus())) {
                    inbox.add(presence);
                }
            }, StanzaTypeFilter.PRESENCE);
        }
        for (int i = 0; i < contacts; i++) {
            awaitAvailableRoute(one, "contact" + i + "@localhost/phone");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> sentTo(one, "two").get("queued").equals(0L));
        long sentBefore = (Long) sentTo(one, "two").get("sent");

        alice.sendStanza(alice.getStanzaFactory().buildPresenceStanza().setStatus("broadcast").build());

        await().atMost(Duration.ofSeconds(20)).until(() -> received.values().stream().allMatch(inbox -> !inbox.isEmpty()));
        await().atMost(Duration.ofSeconds(10)).until(() -> sentTo(one, "two").get("sent").equals(sentBefore + 1));
        // every contact got it once, addressed to its bare JID, from alice's full JID
        for (Map.Entry<String, List<org.jivesoftware.smack.packet.Presence>> inbox : received.entrySet()) {
            assertThat(inbox.getValue()).as(inbox.getKey()).hasSize(1);
            assertThat(inbox.getValue().get(0).getTo().toString()).isEqualTo(inbox.getKey() + "@localhost");
            assertThat(inbox.getValue().get(0).getFrom().toString()).isEqualTo(ALICE_DESK);
        }
        assertThat(sentTo(one, "two").get("sent")).as("one crossing for %s contacts", contacts).isEqualTo(sentBefore + 1);
    }

    @Test
    @Order(6)
    void aSlowDeliveryOnTheDestinationHoldsUpNoOtherStanzaFromTheSameNode() throws Exception {
        XMPPTCPConnection alice = clients.login(one, "alice", "desk");
        XMPPTCPConnection bob = clients.login(two, "bob", "phone");
        List<Message> bobInbox = inbox(bob);
        awaitAvailableRoute(one, BOB_PHONE);
        // a service on node two that hangs, as a database that hangs would on the undeliverable path: node two's own
        // thread for stanzas that are not for a live session waits there
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Runnable removeEndpoint = two.routingTable().addLocalEndpoint(new JID("localhost/hanging"), packet -> {
            entered.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            org.xmpp.packet.Message toService = new org.xmpp.packet.Message();
            toService.setFrom(ALICE_DESK);
            toService.setTo("localhost/hanging");
            toService.setBody("for the hanging service");
            assertThat(one.routingTable().getRemotePacketRouter().routePacket(NodeID.of("two"), new JID("localhost/hanging"),
                    toService)).isTrue();
            assertThat(entered.await(20, TimeUnit.SECONDS)).as("the stanza reached the hanging service").isTrue();

            for (int i = 0; i < 50; i++) {
                send(alice, BOB_PHONE, "past" + i);
            }

            // the later batches from node one are taken and delivered while the service still hangs
            await().atMost(Duration.ofSeconds(20)).until(() -> bobInbox.size() >= 50);
            assertThat(release.getCount()).as("the service still hangs").isEqualTo(1);
            assertThat(bodies(bobInbox)).containsExactlyElementsOf(numbered("past", 50));
        } finally {
            release.countDown();
            removeEndpoint.run();
        }
    }

    @Test
    @Order(7)
    void stanzasQueuedForANodeThatVanishesGoToOfflineStorageAndReachBobWhenHeLogsInAgain() throws Exception {
        XMPPTCPConnection alice = clients.login(one, "alice", "desk");
        clients.login(two, "bob", "phone");
        awaitAvailableRoute(one, BOB_PHONE);
        int storedBefore = one.offlineMessageStore().count("bob");
        CountDownLatch release = new CountDownLatch(1);
        receiveHook(two, stall(release));
        try {
            for (int i = 0; i < 30; i++) {
                send(alice, BOB_PHONE, "lost" + i);
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> sentTo(one, "two").get("queued").equals(30L));

            HazelcastNodes.terminateMember(two);

            // the stalled receiver's worker on the terminated member throws HazelcastInstanceNotActiveException when it
            // is released: that thread belongs to the dead member, not to the node under test
            await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(20))
                    .until(() -> one.offlineMessageStore().count("bob") == storedBefore + 30);
        } finally {
            release.countDown();
        }
        assertThat(one.clusterManager().getNodesInfo()).hasSize(1);
        assertThat(one.routingTable().clientRoute(new JID(BOB_PHONE))).isNull();
        assertThat(sentTo(one, "two")).containsEntry("failed", 30L).containsEntry("queued", 0L).containsEntry("member", false);

        List<Message> again = new CopyOnWriteArrayList<>();
        clients.login(one, "bob", "laptop", connection -> connection.addSyncStanzaListener(
                s -> again.add((Message) s), StanzaTypeFilter.MESSAGE));
        await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(10)).until(() -> again.size() >= 30);
        assertThat(bodies(again)).containsExactlyElementsOf(numbered("lost", 30));

        nodes.stop("two");
        two = null;
        assertThat(routerThreads("two")).isEmpty();
        assertThat(routerThreads("one")).contains("skein-packet-router-one");
    }

    @Test
    @Order(8)
    void aRestartedNodeWithTheSameNodeIdIsReachedAtOnceBothWays() throws Exception {
        // node two crashed in the test before; it comes back with the same node id, as a new Hazelcast member
        two = nodes.start("two");
        await().atMost(Duration.ofSeconds(30)).until(() -> one.clusterManager().getNodesInfo().size() == 2);
        XMPPTCPConnection alice = clients.login(one, "alice", "desk");
        XMPPTCPConnection bob = clients.login(two, "bob", "phone");
        List<Message> aliceInbox = inbox(alice);
        List<Message> bobInbox = inbox(bob);
        awaitAvailableRoute(one, BOB_PHONE);
        awaitAvailableRoute(two, ALICE_DESK);

        for (int i = 0; i < 20; i++) {
            send(alice, BOB_PHONE, "again" + i);
            send(bob, ALICE_DESK, "back" + i);
        }

        await().atMost(Duration.ofSeconds(20)).until(() -> bobInbox.size() >= 20 && aliceInbox.size() >= 20);
        assertThat(bodies(bobInbox)).containsExactlyElementsOf(numbered("again", 20));
        assertThat(bodies(aliceInbox)).containsExactlyElementsOf(numbered("back", 20));
        assertThat(received(two, "one")).containsEntry("malformed", 0L);
        assertThat(received(one, "two")).containsEntry("malformed", 0L);
    }

    // --- helpers ---

    private static void send(XMPPTCPConnection from, String to, String body) throws Exception {
        from.sendStanza(from.getStanzaFactory().buildMessageStanza().to(JidCreate.from(to)).ofType(Message.Type.chat)
                .setBody(body).build());
    }

    /** Messages as they arrive, in order (a synchronous listener runs in the order of the stream). */
    private static List<Message> inbox(XMPPTCPConnection connection) {
        List<Message> inbox = new CopyOnWriteArrayList<>();
        connection.addSyncStanzaListener(s -> inbox.add((Message) s), StanzaTypeFilter.MESSAGE);
        return inbox;
    }

    private static List<String> bodies(List<Message> messages) {
        return messages.stream().map(Message::getBody).collect(Collectors.toList());
    }

    private static List<String> numbered(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> prefix + i).collect(Collectors.toList());
    }

    private static void awaitAvailableRoute(XmppServer node, String fullJid) {
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            var route = node.routingTable().clientRoute(new JID(fullJid));
            return route != null && route.available();
        });
    }

    /** A receive hook that holds each batch until released. */
    private static Runnable stall(CountDownLatch release) {
        return () -> {
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while stalled", e);
            }
        };
    }

    /** The node page's router section, as the admin console shows it. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> routerPage(XmppServer node) {
        AdminPageModel page = (AdminPageModel) HazelcastNodes.plugin(node).plugin();
        Map<String, Object> router = (Map<String, Object>) page.model("hazelcast-node", Map.of(), Locale.ENGLISH).get("router");
        assertThat(router).as("router section of node " + node.nodeId()).isNotNull();
        return router;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> row(XmppServer node, String list, String other) {
        List<Map<String, Object>> rows = (List<Map<String, Object>>) routerPage(node).get(list);
        return rows.stream().filter(r -> other.equals(r.get("node"))).findFirst()
                .orElse(Map.of("queued", 0L, "sent", 0L, "failed", 0L, "batches", 0L, "pushbacks", 0L,
                        "delivered", 0L, "undeliverable", 0L, "malformed", 0L));
    }

    private static Map<String, Object> sentTo(XmppServer node, String other) {
        return row(node, "destinations", other);
    }

    private static Map<String, Object> received(XmppServer node, String other) {
        return row(node, "sources", other);
    }

    // The plugin's classes are not on the test class path (the nodes load the packed jar): reach its
    // public test hook and the member through reflection.

    private static Object router(XmppServer node) throws Exception {
        Object plugin = HazelcastNodes.plugin(node).plugin();
        Object provider = plugin.getClass().getMethod("provider").invoke(plugin);
        return provider.getClass().getMethod("packetRouter").invoke(provider);
    }

    private static void receiveHook(XmppServer node, Runnable hook) throws Exception {
        Object router = router(node);
        if (router != null) {
            router.getClass().getMethod("setReceiveHook", Runnable.class).invoke(router, hook);
        }
    }

    private static List<String> routerThreads(String node) {
        List<String> alive = new ArrayList<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            // the router's own thread and its delivery lanes (skein-packet-router-<node>-lane-<n>)
            if (thread.isAlive() && (thread.getName().equals("skein-packet-router-" + node)
                    || thread.getName().startsWith("skein-packet-router-" + node + "-"))) {
                alive.add(thread.getName());
            }
        }
        return alive;
    }
}
