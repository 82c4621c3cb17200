package org.skein.hazelcast.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.skein.c2s.PubSubClient.count;
import static org.skein.c2s.PubSubClient.drain;
import static org.skein.c2s.PubSubClient.events;
import static org.skein.c2s.PubSubClient.item;
import static org.skein.c2s.PubSubClient.notifyOf;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.dom4j.DocumentHelper;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.jivesoftware.smackx.pep.PepManager;
import org.jivesoftware.smackx.pubsub.LeafNode;
import org.jivesoftware.smackx.pubsub.PubSubManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jxmpp.jid.impl.JidCreate;
import org.skein.XmppServer;
import org.skein.cluster.NodeID;
import org.skein.pubsub.Fanout;
import org.skein.pubsub.PubSubTopics;
import org.skein.roster.RosterItem;
import org.skein.roster.Subscription;
import org.skein.routing.RemotePacketRouter;
import org.xmpp.packet.JID;
import org.xmpp.packet.Packet;

/**
 * Publish-subscribe and PEP across three nodes (real Hazelcast members, one shared database): a
 * notification crosses to each other node with subscribers once and each interested resource gets
 * exactly one event; a resource that changes its caps on one node gets the next publication made on
 * another; the last item reaches a resource that logs in on another node; the topics API of plugins
 * works from any node.
 */
class PubSubClusterIT {

    @TempDir
    static Path dir;

    private static HazelcastNodes nodes;
    private static XmppServer one;
    private static XmppServer two;
    private static XmppServer three;
    private static final Map<String, Counting> routers = new ConcurrentHashMap<>();

    private SmackLogins clients;

    @BeforeAll
    static void startCluster() {
        nodes = new HazelcastNodes(dir, "one", "two", "three");
        Map<String, String> config = Map.of("db.url", "jdbc:h2:mem:pubsub-it-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        one = nodes.start("one", config);
        two = nodes.start("two", config);
        three = nodes.start("three", config);
        await().atMost(Duration.ofSeconds(60)).until(() -> List.of(one, two, three).stream()
                .allMatch(n -> n.clusterManager().getNodesInfo().size() == 3));
        for (XmppServer node : List.of(one, two, three)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> node.routingTable().getRemotePacketRouter() != null);
            Counting counting = new Counting(node.routingTable().getRemotePacketRouter());
            node.routingTable().setRemotePacketRouter(counting);
            routers.put(node.nodeId().value(), counting);
        }
    }

    @AfterAll
    static void stopCluster() throws Exception {
        nodes.close();
    }

    @BeforeEach
    void logins() {
        clients = new SmackLogins();
    }

    @AfterEach
    void logouts() {
        clients.close();
    }

    private static String user() throws Exception {
        String name = "u" + UUID.randomUUID().toString().substring(0, 8);
        one.userManager().createUser(name, "secret", "", "");
        return name;
    }

    private static String jid(String user) {
        return user + "@" + one.xmppDomain();
    }

    private static void befriend(String a, String b) {
        one.rosterManager().update(a, jid(b), i -> new RosterItem(jid(b), b, java.util.Set.of(), Subscription.BOTH, false, false));
        one.rosterManager().update(b, jid(a), i -> new RosterItem(jid(a), a, java.util.Set.of(), Subscription.BOTH, false, false));
    }

    @Test
    void aPublicationOnOneNodeCrossesOncePerOtherNodeAndReachesEverySubscriberOnce() throws Exception {
        String alice = user();
        String bob = user();
        String carol = user();
        XMPPTCPConnection a = clients.login(one, alice, "a");
        XMPPTCPConnection b1 = clients.login(two, bob, "b1");
        XMPPTCPConnection b2 = clients.login(two, bob, "b2");
        XMPPTCPConnection c3 = clients.login(three, carol, "c3");
        List<Message> b1Events = events(b1);
        List<Message> b2Events = events(b2);
        List<Message> c3Events = events(c3);
        LeafNode news = PubSubManager.getInstanceFor(a, JidCreate.bareFrom("pubsub." + one.xmppDomain())).createNode("news-" + alice);
        PubSubManager.getInstanceFor(b1, JidCreate.bareFrom("pubsub." + one.xmppDomain())).getLeafNode(news.getId())
                .subscribe(JidCreate.bareFrom(jid(bob)));
        PubSubManager.getInstanceFor(c3, JidCreate.bareFrom("pubsub." + one.xmppDomain())).getLeafNode(news.getId())
                .subscribe(JidCreate.from(jid(carol) + "/c3"));

        Counting router = routers.get("one");
        long before = router.endpointEntries.get();
        long eventsBefore = router.eventsToSessions.get();
        news.publish(item("n1", "breaking"));
        await().atMost(Duration.ofSeconds(20)).until(() -> count(b1Events, news.getId(), "breaking") == 1
                && count(b2Events, news.getId(), "breaking") == 1 && count(c3Events, news.getId(), "breaking") == 1);
        assertThat(router.endpointEntries.get() - before).as("one entry per other node with subscribers").isEqualTo(2);
        assertThat(router.eventsToSessions.get() - eventsBefore).as("no notification crosses per recipient").isZero();

        marker(a, b1, b2, c3);
        assertThat(count(b1Events, news.getId(), "breaking")).isEqualTo(1);
        assertThat(count(b2Events, news.getId(), "breaking")).isEqualTo(1);
        assertThat(count(c3Events, news.getId(), "breaking")).isEqualTo(1);
    }

    @Test
    void pepNotificationsFollowCapsOnEveryNodeAndANewInterestOnAnotherNodeCountsAtOnce() throws Exception {
        String alice = user();
        String bob = user();
        befriend(alice, bob);
        String node = "urn:skein:test:tune";
        XMPPTCPConnection a1 = clients.login(one, alice, "a1");
        XMPPTCPConnection b2 = clients.login(two, bob, "b2");
        XMPPTCPConnection b3 = clients.login(three, bob, "b3");
        List<Message> b2Events = events(b2);
        List<Message> b3Events = events(b3);
        notifyOf(b2, node);
        awaitInterest(two, b2, node);

        PepManager.getInstanceFor(a1).publish(node, item("t1", "first tune"));
        await().atMost(Duration.ofSeconds(20)).until(() -> count(b2Events, node, "first tune") == 1);
        marker(a1, b3);
        assertThat(count(b3Events, node, null)).as("no +notify on node three yet").isZero();

        notifyOf(b3, node);
        awaitInterest(three, b3, node);
        await().atMost(Duration.ofSeconds(20)).until(() -> count(b3Events, node, "first tune") == 1); // the last item, for its new interest
        PepManager.getInstanceFor(a1).publish(node, item("t2", "second tune"));
        await().atMost(Duration.ofSeconds(20)).until(() -> count(b3Events, node, "second tune") == 1 && count(b2Events, node, "second tune") == 1);
        marker(a1, b2, b3);
        assertThat(count(b2Events, node, null)).isEqualTo(2);
        assertThat(count(b3Events, node, null)).isEqualTo(2);
    }

    @Test
    void theLastItemReachesAResourceThatLogsInOnAnotherNode() throws Exception {
        String alice = user();
        String bob = user();
        befriend(alice, bob);
        String node = "urn:xmpp:avatar:metadata";
        XMPPTCPConnection a1 = clients.login(one, alice, "a1");
        PepManager.getInstanceFor(a1).publish(node, item("av1", "old avatar"));
        PepManager.getInstanceFor(a1).publish(node, item("av2", "new avatar"));

        List<List<Message>> inbox = new java.util.ArrayList<>();
        XMPPTCPConnection b3 = clients.login(three, bob, "b3", connection -> {
            inbox.add(events(connection));
            ServiceDiscoveryManager.getInstanceFor(connection).addFeature(node + "+notify");
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> count(inbox.get(0), node, "new avatar") == 1);
        drain(b3);
        assertThat(count(inbox.get(0), node, null)).isEqualTo(1);
    }

    @Test
    void pluginsManageTopicsFromAnyNodeAndPublicationsReachSubscribersOnEveryNode() throws Exception {
        String bob = user();
        String carol = user();
        XMPPTCPConnection b2 = clients.login(two, bob, "b2");
        XMPPTCPConnection c3 = clients.login(three, carol, "c3");
        List<Message> b2Events = events(b2);
        List<Message> c3Events = events(c3);
        PubSubTopics onOne = one.pubSubTopics().orElseThrow();
        PubSubTopics onTwo = two.pubSubTopics().orElseThrow();
        PubSubTopics onThree = three.pubSubTopics().orElseThrow();
        String topic = "alerts-" + bob;
        assertThat(onOne.addTopic(topic)).isTrue();
        assertThat(onThree.topicExists(topic)).isTrue();
        onTwo.subscribe(topic, new JID(jid(bob)));
        onThree.subscribe(topic, new JID(jid(carol) + "/c3"));
        assertThat(onOne.subscribers(topic)).containsExactlyInAnyOrder(new JID(jid(bob)), new JID(jid(carol) + "/c3"));
        assertThat(onOne.isSubscribed(topic, new JID(jid(carol) + "/c3"))).isTrue();

        onOne.publish(topic, DocumentHelper.parseText("<alert xmlns='urn:skein:test'>from node one</alert>").getRootElement());
        await().atMost(Duration.ofSeconds(20)).until(() -> count(b2Events, topic, "from node one") == 1
                && count(c3Events, topic, "from node one") == 1);

        assertThat(onTwo.unsubscribeEverywhere(new JID(jid(bob)))).isEqualTo(1);
        assertThat(onThree.subscribers(topic)).containsExactly(new JID(jid(carol) + "/c3"));
        assertThat(onTwo.deleteTopic(topic)).isTrue();
        assertThat(onOne.topicExists(topic)).isFalse();
        await().atMost(Duration.ofSeconds(20)).until(() -> c3Events.stream().anyMatch(m -> m.toXML().toString().contains("<delete")));
    }

    /**
     * Sends a message from {@code from} to each client and waits until each has it: it travels after
     * everything {@code from}'s node sent to that client's node before (the node-to-node stream keeps
     * the order), so whatever notification a client was to get from there has arrived by then.
     */
    static void marker(XMPPTCPConnection from, XMPPTCPConnection... to) throws Exception {
        String body = "marker-" + UUID.randomUUID();
        List<List<Message>> inboxes = new java.util.ArrayList<>();
        for (XMPPTCPConnection client : to) {
            List<Message> inbox = new java.util.concurrent.CopyOnWriteArrayList<>();
            client.addSyncStanzaListener(s -> inbox.add((Message) s), org.jivesoftware.smack.filter.StanzaTypeFilter.MESSAGE);
            inboxes.add(inbox);
            from.sendStanza(from.getStanzaFactory().buildMessageStanza().to(client.getUser()).ofType(Message.Type.chat)
                    .setBody(body).build());
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> inboxes.stream()
                .allMatch(inbox -> inbox.stream().anyMatch(m -> body.equals(m.getBody()))));
        for (XMPPTCPConnection client : to) {
            drain(client);
        }
    }

    /** Waits until the node that holds the client's session knows its interest in {@code node}. */
    static void awaitInterest(XmppServer holder, XMPPTCPConnection client, String node) {
        JID full = new JID(client.getUser().toString());
        await().atMost(Duration.ofSeconds(20)).until(() -> holder.entityCapabilities().features(full).contains(node + "+notify"));
    }

    /** Counts what a node hands its remote packet router: envelopes to other nodes' pubsub endpoint, and events sent per session. */
    static final class Counting implements RemotePacketRouter {
        private final RemotePacketRouter delegate;
        final AtomicLong endpointEntries = new AtomicLong();
        final AtomicLong eventsToSessions = new AtomicLong();

        Counting(RemotePacketRouter delegate) {
            this.delegate = delegate;
        }

        @Override
        public boolean routePacket(NodeID node, JID recipient, Packet packet) {
            if (Fanout.ENDPOINT_RESOURCE.equals(recipient.getResource()) && recipient.getNode() == null) {
                endpointEntries.incrementAndGet();
            } else if (packet.getElement().element(org.dom4j.QName.get("event", "http://jabber.org/protocol/pubsub#event")) != null) {
                eventsToSessions.incrementAndGet();
            }
            return delegate.routePacket(node, recipient, packet);
        }
    }
}
