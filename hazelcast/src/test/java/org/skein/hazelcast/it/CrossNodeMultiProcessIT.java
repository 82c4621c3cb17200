package org.skein.hazelcast.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.roster.RosterEntry;
import org.jivesoftware.smack.roster.SubscribeListener;
import org.jivesoftware.smack.roster.packet.RosterPacket;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.delay.packet.DelayInformation;
import org.jivesoftware.smackx.ping.PingManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.impl.JidCreate;

/**
 * One XMPP domain served by three node JVMs ({@code org.skein.Main --home}, the packed Hazelcast plugin
 * in {@code plugins/}, one shared H2 database in server mode), used by real Smack clients connected to
 * different nodes: chat, presence and IQ across nodes, ordering under load, bare-JID delivery by
 * priority across nodes, cluster-wide session counts, and a node killed and restarted. What a node
 * sees inside (members, session counts, route caches) is read through the {@link NodeProbe} plugin.
 * The nodes' logs of the last run are kept in {@code target/cross-node-logs/}.
 *
 * <p>The cluster is started once for the class; each test uses accounts of its own. The node-kill test
 * changes the cluster and runs last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CrossNodeMultiProcessIT {

    private static final String DOMAIN = ProcessCluster.DOMAIN;
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** The issue's bound for a contact to see a killed node's user go unavailable (its target is 0.4 s). */
    private static final Duration UNAVAILABLE_BOUND = Duration.ofSeconds(10);
    /** A start bound, not a product figure: on a machine shared by many builds JVMs and members start slowly. */
    private static final Duration START_BOUND = Duration.ofMinutes(5);
    private static final int MESSAGES = 10_000;

    @TempDir
    static Path dir;

    private static ProcessCluster cluster;
    private static XmppClients clients;

    @BeforeAll
    static void startThreeNodes() throws Exception {
        cluster = new ProcessCluster(dir, Path.of("target", "cross-node-logs"), "node1", "node2", "node3");
        cluster.createUsers("alice", "bob", "amy", "ben", "ann", "bill", "cara", "dan", "kate", "ken", "max", "lena");
        cluster.start("node1", "node2", "node3");
        cluster.awaitMembers(START_BOUND, "node1", "node2", "node3");
        clients = new XmppClients(DOMAIN, cluster.certificate());
    }

    @AfterEach
    void disconnectClients() {
        clients.close();
    }

    @AfterAll
    static void stopNodes() throws Exception {
        if (clients != null) {
            clients.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void aliceOnNode1AndBobOnNode2SubscribeSeePresenceChatAndPing() throws Exception {
        XMPPTCPConnection alice = clients.client(port("node1"), "alice", "alice", "phone");
        XMPPTCPConnection bob = clients.client(port("node2"), "bob", "bob", "desk");
        List<Message> aliceInbox = inbox(alice);
        List<Message> bobInbox = inbox(bob);
        alice.connect().login();
        bob.connect().login();
        PingManager.getInstanceFor(alice);
        PingManager.getInstanceFor(bob);

        subscribeBothWays(alice, "alice", bob, "bob");
        Roster aliceRoster = Roster.getInstanceFor(alice);
        Roster bobRoster = Roster.getInstanceFor(bob);
        waitFor("alice and bob see each other available", () -> aliceRoster.getPresence(bare("bob")).isAvailable()
                && bobRoster.getPresence(bare("alice")).isAvailable());

        bob.sendStanza(bob.getStanzaFactory().buildPresenceStanza().setMode(Presence.Mode.dnd).setStatus("in a meeting").build());
        waitFor("alice sees bob's new status", () -> "in a meeting".equals(aliceRoster.getPresence(bare("bob")).getStatus()));
        assertThat(aliceRoster.getPresence(bare("bob")).getMode()).isEqualTo(Presence.Mode.dnd);
        alice.sendStanza(alice.getStanzaFactory().buildPresenceStanza().setMode(Presence.Mode.away).setStatus("lunch").build());
        waitFor("bob sees alice's new status", () -> "lunch".equals(bobRoster.getPresence(bare("alice")).getStatus()));
        assertThat(bobRoster.getPresence(bare("alice")).getMode()).isEqualTo(Presence.Mode.away);

        send(alice, "bob@" + DOMAIN + "/desk", "to bob's desk");
        send(alice, "bob@" + DOMAIN, "to bob");
        send(bob, "alice@" + DOMAIN + "/phone", "to alice's phone");
        send(bob, "alice@" + DOMAIN, "to alice");
        waitFor("alice and bob each got two messages", () -> bodies(bobInbox).size() >= 2 && bodies(aliceInbox).size() >= 2);
        assertThat(bodies(bobInbox)).containsExactly("to bob's desk", "to bob");
        assertThat(bodies(aliceInbox)).containsExactly("to alice's phone", "to alice");
        assertThat(withBody(bobInbox)).allSatisfy(m -> assertThat(m.getFrom().toString()).isEqualTo("alice@" + DOMAIN + "/phone"));
        assertThat(withBody(aliceInbox)).allSatisfy(m -> assertThat(m.getFrom().toString()).isEqualTo("bob@" + DOMAIN + "/desk"));

        // XEP-0199 between the clients: the IQ crosses to the other node and the answer comes back
        assertThat(PingManager.getInstanceFor(alice).ping(JidCreate.entityFullFrom("bob@" + DOMAIN + "/desk"))).isTrue();
        assertThat(PingManager.getInstanceFor(bob).ping(JidCreate.entityFullFrom("alice@" + DOMAIN + "/phone"))).isTrue();
        assertThat(PingManager.getInstanceFor(alice).ping(JidCreate.entityFullFrom("bob@" + DOMAIN + "/nowhere"))).isFalse();
    }

    @Test
    @Order(2)
    void tenThousandNumberedMessagesFromNode1ArriveOnNode2CompleteAndInOrder() throws Exception {
        XMPPTCPConnection amy = clients.login(port("node1"), "amy", "amy", "phone");
        XMPPTCPConnection ben = clients.client(port("node2"), "ben", "ben", "desk");
        List<Integer> received = new CopyOnWriteArrayList<>();
        // a synchronous listener sees the stanzas in the order the connection read them
        ben.addSyncStanzaListener(stanza -> {
            String body = ((Message) stanza).getBody();
            if (body != null) {
                received.add(Integer.parseInt(body));
            }
        }, StanzaTypeFilter.MESSAGE);
        ben.connect().login();
        awaitRoute("node1", "ben@" + DOMAIN + "/desk", "node2", 0);

        long start = System.nanoTime();
        for (int i = 0; i < MESSAGES; i++) {
            send(amy, "ben@" + DOMAIN + "/desk", Integer.toString(i));
        }
        await().alias("ben got all numbered messages").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertThat(received.size()).as("messages ben received").isGreaterThanOrEqualTo(MESSAGES));
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.printf("%d messages node1 -> node2 in %d ms (%.0f messages/s, client to client)%n",
                MESSAGES, took, MESSAGES * 1000.0 / Math.max(1, took));
        List<Integer> got = List.copyOf(received);
        int outOfOrder = 0;
        for (int i = 1; i < got.size(); i++) {
            if (got.get(i) < got.get(i - 1)) {
                outOfOrder++;
            }
        }
        assertThat(outOfOrder).as("messages that arrived after a higher-numbered one").isZero();
        assertThat(got.stream().distinct().count()).as("distinct numbers received").isEqualTo(MESSAGES);
        assertThat(got).isEqualTo(IntStream.range(0, MESSAGES).boxed().toList());
    }

    @Test
    @Order(3)
    void aBareJidMessageGoesToTheHighestPriorityResourceWhicheverNodeItIsOn() throws Exception {
        XMPPTCPConnection ann = clients.login(port("node1"), "ann", "ann", "phone");
        XMPPTCPConnection two = clients.client(port("node2"), "bill", "bill", "two");
        XMPPTCPConnection three = clients.client(port("node3"), "bill", "bill", "three");
        List<Message> twoInbox = inbox(two);
        List<Message> threeInbox = inbox(three);
        two.connect().login();
        three.connect().login();
        String bill = "bill@" + DOMAIN;

        setPriority(two, 5);
        setPriority(three, 1);
        awaitRoute("node1", bill + "/two", "node2", 5);
        awaitRoute("node1", bill + "/three", "node3", 1);
        send(ann, bill, "first");
        // a wrong delivery to three would take the same path as the marker, and arrive before it
        send(ann, bill + "/three", "marker 1");
        waitFor("two got the bare-JID message, three its marker",
                () -> bodies(twoInbox).contains("first") && bodies(threeInbox).contains("marker 1"));
        assertThat(bodies(threeInbox)).containsExactly("marker 1");

        setPriority(three, 10);
        awaitRoute("node1", bill + "/three", "node3", 10);
        send(ann, bill, "second");
        send(ann, bill + "/two", "marker 2");
        waitFor("three got the bare-JID message, two its marker",
                () -> bodies(threeInbox).contains("second") && bodies(twoInbox).contains("marker 2"));
        assertThat(bodies(twoInbox)).containsExactly("first", "marker 2");

        // equal priorities: Skein's documented rule (MessageRouter) gives the message to every one of them
        setPriority(two, 10);
        awaitRoute("node1", bill + "/two", "node2", 10);
        send(ann, bill, "third");
        waitFor("both resources got the message of equal priority",
                () -> bodies(twoInbox).contains("third") && bodies(threeInbox).contains("third"));
        assertThat(bodies(twoInbox)).containsExactly("first", "marker 2", "third");
        assertThat(bodies(threeInbox)).containsExactly("marker 1", "second", "third");
    }

    @Test
    @Order(4)
    void resourcesOfOneUserLoggingInOnThreeNodesOneAfterAnotherAreAllRouted() throws Exception {
        String lena = "lena@" + DOMAIN;
        XMPPTCPConnection max = clients.login(port("node1"), "max", "max", "phone");
        XMPPTCPConnection two = clients.client(port("node2"), "lena", "lena", "two");
        List<Message> twoInbox = inbox(two);
        two.connect().login();
        awaitRoute("node1", lena + "/two", "node2", 0);
        // node 1 reads lena's resources for this message (and keeps a copy, if its cache keeps copies)
        send(max, lena, "hello");
        waitFor("lena/two got the first message", () -> bodies(twoInbox).contains("hello"));

        // a resource added on node 3, then one on node 1: node 1 must add to what node 3 wrote
        XMPPTCPConnection three = clients.client(port("node3"), "lena", "lena", "three");
        List<Message> threeInbox = inbox(three);
        three.connect().login();
        XMPPTCPConnection one = clients.client(port("node1"), "lena", "lena", "one");
        List<Message> oneInbox = inbox(one);
        one.connect().login();

        await().atMost(WAIT).untilAsserted(() -> {
            for (String node : List.of("node1", "node2", "node3")) {
                assertThat(cluster.node(node).probe().userSessions().get(lena)).as("lena's resources as %s reads them", node)
                        .containsExactlyInAnyOrder(lena + "/one", lena + "/two", lena + "/three");
            }
        });
        awaitRoute("node1", lena + "/three", "node3", 0);
        awaitRoute("node1", lena + "/one", "node1", 0);
        // a headline to the bare JID goes to every available resource (RFC 6121 8.5.2.1.1)
        max.sendStanza(max.getStanzaFactory().buildMessageStanza().to(JidCreate.from(lena)).ofType(Message.Type.headline)
                .setBody("news").build());
        waitFor("every resource of lena got the headline",
                () -> bodies(oneInbox).contains("news") && bodies(twoInbox).contains("news") && bodies(threeInbox).contains("news"));
    }

    @Test
    @Order(5)
    void everyNodeCountsTheSessionsOfTheWholeCluster() throws Exception {
        clients.login(port("node1"), "cara", "cara", "one");
        clients.login(port("node1"), "cara", "cara", "two");
        clients.login(port("node2"), "cara", "cara", "three");
        clients.login(port("node3"), "dan", "dan", "one");
        XMPPTCPConnection last = clients.login(port("node3"), "dan", "dan", "two");
        awaitSessionCounts(Map.of("node1", 2, "node2", 1, "node3", 2));

        last.disconnect();
        awaitSessionCounts(Map.of("node1", 2, "node2", 1, "node3", 1));
    }

    @Test
    @Order(6)
    void aKilledNodesUsersGoUnavailableTheirMessagesWaitOfflineAndTheNodeRejoins() throws Exception {
        String ken = "ken@" + DOMAIN;
        XMPPTCPConnection kate = clients.client(port("node1"), "kate", "kate", "phone");
        List<Message> kateInbox = inbox(kate);
        List<TimedPresence> kateSaw = new CopyOnWriteArrayList<>();
        kate.addSyncStanzaListener(p -> kateSaw.add(new TimedPresence(System.nanoTime(), (Presence) p)), StanzaTypeFilter.PRESENCE);
        kate.connect().login();
        XMPPTCPConnection kenOnNode2 = clients.login(port("node2"), "ken", "ken", "desk");
        subscribeBothWays(kate, "kate", kenOnNode2, "ken");
        Roster kateRoster = Roster.getInstanceFor(kate);
        waitFor("kate sees ken available", () -> kateRoster.getPresence(bare("ken")).isAvailable());

        long killedAt = System.nanoTime();
        cluster.node("node2").kill();
        // sent before anyone noticed: it may already be on its way to node 2, and must not be lost
        send(kate, ken + "/desk", "sent right after the kill");

        await("kate sees ken/desk unavailable").atMost(UNAVAILABLE_BOUND.plusSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> !unavailableFrom(kateSaw, ken + "/desk", killedAt).isEmpty());
        long tookMs = TimeUnit.NANOSECONDS.toMillis(unavailableFrom(kateSaw, ken + "/desk", killedAt).get(0).nanos() - killedAt);
        System.out.printf("kate (node1) saw ken (node2) unavailable %d ms after node2 was killed%n", tookMs);
        assertThat(tookMs).as("ms from the kill until kate saw ken unavailable").isLessThan(UNAVAILABLE_BOUND.toMillis());
        // Smack's Roster applies the presence on its own listener, after the one above saw it
        waitFor("kate's roster shows ken unavailable", () -> !kateRoster.getPresence(bare("ken")).isAvailable());
        send(kate, ken, "sent after ken went away");

        // the survivors removed every route and session of node 2; their counts agree
        await().atMost(WAIT).untilAsserted(() -> {
            for (String survivor : List.of("node1", "node3")) {
                NodeProbe.Answer seen = cluster.node(survivor).probe();
                assertThat(seen.members()).as("members seen by %s", survivor).containsExactly("node1", "node3");
                assertThat(seen.entriesOf("node2")).as("entries of node2 in the caches of %s", survivor).isEmpty();
                assertThat(seen.userSessions()).as("routes.sessions on %s", survivor).doesNotContainKey(ken);
                assertThat(seen.clusterSessions()).as("cluster sessions counted by %s", survivor).isEqualTo(1);
            }
        });

        XMPPTCPConnection kenOnNode3 = clients.client(port("node3"), "ken", "ken", "laptop");
        List<Message> kenInbox = inbox(kenOnNode3);
        kenOnNode3.connect().login();
        waitFor("ken on node3 got both offline messages", () -> bodies(kenInbox).size() >= 2);
        assertThat(bodies(kenInbox)).containsExactlyInAnyOrder("sent right after the kill", "sent after ken went away");
        assertThat(withBody(kenInbox)).allSatisfy(message -> {
            assertThat(message.getFrom().toString()).isEqualTo("kate@" + DOMAIN + "/phone");
            DelayInformation delay = DelayInformation.from(message);
            assertThat(delay).as("delay stamp of '%s'", message.getBody()).isNotNull();
            assertThat(delay.getStamp()).isNotNull();
        });
        waitFor("kate sees ken available again (node3)", () -> kateRoster.getPresence(bare("ken")).isAvailable());
        // once per lost resource: by now a duplicate from another survivor would have come long ago
        assertThat(unavailableFrom(kateSaw, ken + "/desk", killedAt)).hasSize(1);

        // node 2 comes back with the same home, rejoins, and serves ken again
        cluster.start("node2");
        cluster.awaitMembers(START_BOUND, "node1", "node2", "node3");
        long laptopGone = System.nanoTime();
        kenOnNode3.disconnect();
        waitFor("kate sees ken/laptop unavailable", () -> unavailableFrom(kateSaw, ken + "/laptop", laptopGone).size() == 1);

        long back = System.nanoTime();
        XMPPTCPConnection kenAgain = clients.client(port("node2"), "ken", "ken", "desk");
        List<Message> kenAgainInbox = inbox(kenAgain);
        kenAgain.connect().login();
        PingManager.getInstanceFor(kenAgain);
        waitFor("kate sees ken/desk available on the restarted node2", () -> kateSaw.stream().anyMatch(p -> p.nanos() > back
                && p.presence().isAvailable() && p.presence().getFrom().toString().equals(ken + "/desk")));
        Roster kenRoster = Roster.getInstanceFor(kenAgain);
        waitFor("ken on node2 sees kate available", () -> kenRoster.getPresence(bare("kate")).isAvailable());

        send(kate, ken, "welcome back");
        send(kenAgain, "kate@" + DOMAIN, "glad to be back");
        waitFor("kate and ken on the restarted node2 exchange messages",
                () -> bodies(kenAgainInbox).contains("welcome back") && bodies(kateInbox).contains("glad to be back"));
        assertThat(bodies(kenAgainInbox)).containsExactly("welcome back");
        assertThat(PingManager.getInstanceFor(kate).ping(JidCreate.entityFullFrom(ken + "/desk"))).isTrue();
        assertThat(PingManager.getInstanceFor(kenAgain).ping(JidCreate.entityFullFrom("kate@" + DOMAIN + "/phone"))).isTrue();
    }

    // --- helpers ---

    private record TimedPresence(long nanos, Presence presence) {
    }

    private static void waitFor(String what, Callable<Boolean> condition) {
        await(what).atMost(WAIT).until(condition);
    }

    private static int port(String node) {
        return cluster.c2sPort(node);
    }

    private static BareJid bare(String user) throws Exception {
        return JidCreate.bareFrom(user + "@" + DOMAIN);
    }

    /** Collects the messages a connection receives, in the order it read them. */
    private static List<Message> inbox(XMPPTCPConnection connection) {
        List<Message> messages = new CopyOnWriteArrayList<>();
        connection.addSyncStanzaListener(stanza -> messages.add((Message) stanza), StanzaTypeFilter.MESSAGE);
        return messages;
    }

    private static List<String> bodies(List<Message> messages) {
        return withBody(messages).stream().map(Message::getBody).toList();
    }

    private static List<Message> withBody(List<Message> messages) {
        return messages.stream().filter(m -> m.getBody() != null).toList();
    }

    private static void send(XMPPTCPConnection from, String to, String body) throws Exception {
        from.sendStanza(from.getStanzaFactory().buildMessageStanza().to(JidCreate.from(to)).ofType(Message.Type.chat)
                .setBody(body).build());
    }

    private static void setPriority(XMPPTCPConnection connection, int priority) throws Exception {
        connection.sendStanza(connection.getStanzaFactory().buildPresenceStanza().setPriority(priority).build());
    }

    private static List<TimedPresence> unavailableFrom(List<TimedPresence> seen, String fullJid, long since) {
        return seen.stream().filter(p -> p.nanos() >= since && p.presence().getType() == Presence.Type.unavailable
                && p.presence().getFrom().toString().equals(fullJid)).toList();
    }

    /** {@code first} asks {@code second} for a subscription; {@code second} approves and asks back; both end in "both". */
    private static void subscribeBothWays(XMPPTCPConnection first, String firstUser, XMPPTCPConnection second, String secondUser)
            throws Exception {
        Roster firstRoster = Roster.getInstanceFor(first);
        Roster secondRoster = Roster.getInstanceFor(second);
        // the login-time roster, not reloadAndWait: in Smack 4.4 its second answer may arrive after the
        // pushes of the subscription below and undo them (see SmackRosterPresenceTest in the server)
        await().atMost(WAIT).until(() -> firstRoster.isLoaded() && secondRoster.isLoaded());
        secondRoster.addSubscribeListener((from, request) -> SubscribeListener.SubscribeAnswer.ApproveAndAlsoRequestIfRequired);
        firstRoster.addSubscribeListener((from, request) -> SubscribeListener.SubscribeAnswer.Approve);
        firstRoster.createItemAndRequestSubscription(bare(secondUser), secondUser, null);
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(type(firstRoster, bare(secondUser))).as("%s's roster item for %s", firstUser, secondUser)
                    .isEqualTo(RosterPacket.ItemType.both);
            assertThat(type(secondRoster, bare(firstUser))).as("%s's roster item for %s", secondUser, firstUser)
                    .isEqualTo(RosterPacket.ItemType.both);
        });
    }

    private static RosterPacket.ItemType type(Roster roster, BareJid jid) {
        RosterEntry entry = roster.getEntry(jid);
        return entry == null ? null : entry.getType();
    }

    /**
     * Waits until {@code seenBy} has the route of {@code fullJid} to {@code owner}, available with this
     * priority: what its message routing reads.
     */
    private static void awaitRoute(String seenBy, String fullJid, String owner, int priority) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                assertThat(cluster.node(seenBy).probe().routes().get(fullJid))
                        .as("route of %s seen by %s", fullJid, seenBy)
                        .isEqualTo(new NodeProbe.Route(owner, true, priority)));
    }

    /** Waits until every node counts its own sessions as given and the cluster's as their sum. */
    private static void awaitSessionCounts(Map<String, Integer> local) {
        int total = local.values().stream().mapToInt(Integer::intValue).sum();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            for (Map.Entry<String, Integer> node : local.entrySet()) {
                NodeProbe.Answer seen = cluster.node(node.getKey()).probe();
                assertThat(seen.localSessions()).as("sessions on %s, counted by %s", node.getKey(), node.getKey())
                        .isEqualTo(node.getValue());
                assertThat(seen.clusterSessions()).as("sessions in the cluster, counted by %s", node.getKey()).isEqualTo(total);
            }
        });
    }
}
