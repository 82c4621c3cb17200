package org.skein.c2s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.skein.c2s.PubSubClient.count;
import static org.skein.c2s.PubSubClient.drain;
import static org.skein.c2s.PubSubClient.events;
import static org.skein.c2s.PubSubClient.item;
import static org.skein.c2s.PubSubClient.request;

import java.util.List;
import java.util.Map;
import org.dom4j.DocumentHelper;
import org.jivesoftware.smack.XMPPException.XMPPErrorException;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.jivesoftware.smackx.pubsub.AccessModel;
import org.jivesoftware.smackx.pubsub.Affiliation;
import org.jivesoftware.smackx.pubsub.Item;
import org.jivesoftware.smackx.pubsub.LeafNode;
import org.jivesoftware.smackx.pubsub.PubSubManager;
import org.jivesoftware.smackx.pubsub.Subscription;
import org.jivesoftware.smackx.pubsub.form.ConfigureForm;
import org.jivesoftware.smackx.pubsub.form.FillableConfigureForm;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;
import org.skein.pubsub.PubSubTopics;
import org.xmpp.packet.JID;

/**
 * The publish-subscribe service at {@code pubsub.<domain>} on one node, with Smack 4.4: discovery,
 * nodes with configuration forms, subscriptions and their lists, publications with and without
 * payloads, the last item on subscription, retrieval, retraction, purge, deletion with notification,
 * affiliations, temporary subscriptions, the SINT transient-node cases, and the topics API for plugins.
 */
class SmackPubSubServiceTest {

    @Test
    void theServiceIsFoundAndNodesAreCreatedConfiguredAndDeletedWithNotification() throws Exception {
        try (NodeWithClients env = new NodeWithClients(Map.of())) {
            String alice = env.newUser();
            String bob = env.newUser();
            XMPPTCPConnection a = env.clients.login(alice, "secret", "a");
            XMPPTCPConnection b = env.clients.login(bob, "secret", "b");
            assertThat(PubSubManager.getPubSubService(a).toString()).isEqualTo("pubsub.localhost");
            PubSubManager pubsub = PubSubManager.getInstanceFor(a, JidCreate.bareFrom("pubsub.localhost"));
            assertThat(pubsub.canCreateNodesAndPublishItems()).as("instant nodes").isTrue();

            FillableConfigureForm config = pubsub.getDefaultConfiguration().getFillableForm();
            config.setAccessModel(AccessModel.open);
            config.setMaxItems(2);
            config.setTitle("News");
            LeafNode news = (LeafNode) pubsub.createNode("news", config);
            assertThatThrownBy(() -> pubsub.createNode("news"))
                    .isInstanceOfSatisfying(XMPPErrorException.class,
                            e -> assertThat(e.getStanzaError().getCondition()).isEqualTo(StanzaError.Condition.conflict));
            ConfigureForm stored = news.getNodeConfiguration();
            assertThat(stored.getMaxItems()).isEqualTo(2);
            // (ConfigureForm.getTitle() is the form's own title in Smack 4.4, not the node's)
            assertThat(stored.readFirstValue("pubsub#title")).isEqualTo("News");
            assertThat(ServiceDiscoveryManager.getInstanceFor(b).discoverItems(JidCreate.from("pubsub.localhost")).getItems())
                    .extracting(i -> i.getNode()).contains("news");

            FillableConfigureForm change = stored.getFillableForm();
            change.setMaxItems(5);
            news.sendConfigurationForm(change);
            assertThat(news.getNodeConfiguration().getMaxItems()).isEqualTo(5);

            LeafNode seenByBob = PubSubManager.getInstanceFor(b, JidCreate.bareFrom("pubsub.localhost")).getLeafNode("news");
            List<Message> bEvents = events(b);
            seenByBob.subscribe(JidCreate.bareFrom(env.jid(bob)));
            assertThatThrownBy(() -> PubSubManager.getInstanceFor(b, JidCreate.bareFrom("pubsub.localhost")).deleteNode("news"))
                    .as("only an owner").isInstanceOfSatisfying(XMPPErrorException.class,
                            e -> assertThat(e.getStanzaError().getCondition()).isEqualTo(StanzaError.Condition.forbidden));
            pubsub.deleteNode("news");
            await().atMost(ClusterFixtures.WAIT).until(() -> bEvents.stream().anyMatch(m -> m.toXML().toString().contains("<delete")));
            assertThatThrownBy(() -> seenByBob.getItems())
                    .isInstanceOfSatisfying(XMPPErrorException.class,
                            e -> assertThat(e.getStanzaError().getCondition()).isEqualTo(StanzaError.Condition.item_not_found));
        }
    }

    @Test
    void subscribersGetEachPublicationOnceWithOrWithoutPayloadAndTheLastItemWhenTheySubscribe() throws Exception {
        try (NodeWithClients env = new NodeWithClients(Map.of())) {
            String alice = env.newUser();
            String bob = env.newUser();
            String carol = env.newUser();
            XMPPTCPConnection a = env.clients.login(alice, "secret", "a");
            XMPPTCPConnection b1 = env.clients.login(bob, "secret", "b1");
            XMPPTCPConnection b2 = env.clients.login(bob, "secret", "b2");
            XMPPTCPConnection c = env.clients.login(carol, "secret", "c");
            PubSubManager pubsub = PubSubManager.getInstanceFor(a, JidCreate.bareFrom("pubsub.localhost"));
            LeafNode feed = pubsub.createNode("feed");
            feed.publish(item("before", "published before anyone subscribed"));

            List<Message> b1Events = events(b1);
            List<Message> b2Events = events(b2);
            List<Message> cEvents = events(c);
            PubSubManager bobs = PubSubManager.getInstanceFor(b1, JidCreate.bareFrom("pubsub.localhost"));
            Subscription subscription = bobs.getLeafNode("feed").subscribe(JidCreate.bareFrom(env.jid(bob)));
            assertThat(subscription.getState()).isEqualTo(Subscription.State.subscribed);
            PubSubManager.getInstanceFor(c, JidCreate.bareFrom("pubsub.localhost")).getLeafNode("feed")
                    .subscribe(JidCreate.from(env.jid(carol) + "/c"));
            await().atMost(ClusterFixtures.WAIT).until(() -> count(b1Events, "feed", "before") == 1 && count(cEvents, "feed", "before") == 1);

            feed.publish(item("one", "first news"));
            await().atMost(ClusterFixtures.WAIT).until(() -> count(b1Events, "feed", "first news") == 1
                    && count(b2Events, "feed", "first news") == 1 && count(cEvents, "feed", "first news") == 1);
            for (XMPPTCPConnection client : List.of(b1, b2, c)) {
                drain(client);
            }
            assertThat(count(b1Events, "feed", "first news")).isEqualTo(1);
            assertThat(count(b2Events, "feed", "first news")).as("every resource of a bare JID").isEqualTo(1);
            assertThat(count(cEvents, "feed", "first news")).isEqualTo(1);
            assertThat(count(b2Events, "feed", "before")).as("the last item goes to the subscribed bare JID: each of its resources")
                    .isEqualTo(1);

            FillableConfigureForm noPayloads = feed.getNodeConfiguration().getFillableForm();
            noPayloads.setDeliverPayloads(false);
            feed.sendConfigurationForm(noPayloads);
            feed.publish(item("two", "second news"));
            await().atMost(ClusterFixtures.WAIT).until(() -> cEvents.stream().anyMatch(m -> m.toXML().toString().contains("id='two'")
                    || m.toXML().toString().contains("id=\"two\"")));
            assertThat(count(cEvents, "feed", "second news")).as("notification without payload").isZero();

            assertThat(ids(bobs.getLeafNode("feed").getItems())).containsExactlyInAnyOrder("before", "one", "two");
            assertThat(ids(bobs.getLeafNode("feed").getItems(1))).containsExactly("two");
            assertThat(ids(bobs.getLeafNode("feed").getItems(List.of("one")))).containsExactly("one");

            feed.deleteItem("one");
            assertThat(ids(bobs.getLeafNode("feed").getItems())).containsExactlyInAnyOrder("before", "two");
            feed.deleteAllItems();
            assertThat(ids(bobs.getLeafNode("feed").getItems())).isEmpty();

            bobs.getLeafNode("feed").unsubscribe(env.jid(bob));
            feed.publish(item("three", "third news"));
            await().atMost(ClusterFixtures.WAIT).until(() -> cEvents.stream().anyMatch(m -> m.toXML().toString().contains("three")));
            drain(b1);
            assertThat(b1Events.stream().filter(m -> m.toXML().toString().contains("three")).count()).as("unsubscribed").isZero();
        }
    }

    private static List<String> ids(List<? extends Item> items) {
        return items.stream().map(Item::getId).toList();
    }

    @Test
    void subscriptionAndAffiliationListsAndTheirManagementByTheOwner() throws Exception {
        try (NodeWithClients env = new NodeWithClients(Map.of())) {
            String alice = env.newUser();
            String bob = env.newUser();
            String eve = env.newUser();
            XMPPTCPConnection a = env.clients.login(alice, "secret", "a");
            XMPPTCPConnection b = env.clients.login(bob, "secret", "b");
            XMPPTCPConnection e = env.clients.login(eve, "secret", "e");
            PubSubManager pubsub = PubSubManager.getInstanceFor(a, JidCreate.bareFrom("pubsub.localhost"));
            LeafNode node = pubsub.createNode("board");
            PubSubManager bobs = PubSubManager.getInstanceFor(b, JidCreate.bareFrom("pubsub.localhost"));
            bobs.getLeafNode("board").subscribe(JidCreate.bareFrom(env.jid(bob)));

            assertThat(bobs.getSubscriptions()).extracting(Subscription::getNode).containsExactly("board");
            assertThat(node.getSubscriptionsAsOwner()).extracting(s -> s.getJid().toString()).containsExactly(env.jid(bob));
            assertThat(pubsub.getAffiliations()).extracting(Affiliation::getNode).containsExactly("board");

            assertThatThrownBy(() -> bobs.getLeafNode("board").publish(item("x", "not allowed")))
                    .isInstanceOfSatisfying(XMPPErrorException.class,
                            ex -> assertThat(ex.getStanzaError().getCondition()).isEqualTo(StanzaError.Condition.forbidden));
            node.modifyAffiliationAsOwner(List.of(new Affiliation(JidCreate.bareFrom(env.jid(bob)), Affiliation.Type.publisher),
                    new Affiliation(JidCreate.bareFrom(env.jid(eve)), Affiliation.Type.outcast)));
            bobs.getLeafNode("board").publish(item("x", "allowed now"));
            // (Smack 4.4 cannot parse the owner's affiliation list: it has no provider for it)
            String affiliations = request(a, JidCreate.from("pubsub.localhost"), IQ.Type.get, PubSubClient.owner(),
                    "<affiliations node='board'/>").toXML().toString();
            assertThat(affiliations).contains("jid='" + env.jid(bob) + "' affiliation='publisher'")
                    .contains("jid='" + env.jid(eve) + "' affiliation='outcast'").contains("jid='" + env.jid(alice) + "' affiliation='owner'");
            assertThatThrownBy(() -> PubSubManager.getInstanceFor(e, JidCreate.bareFrom("pubsub.localhost")).getLeafNode("board")
                    .subscribe(JidCreate.bareFrom(env.jid(eve))))
                    .isInstanceOf(XMPPErrorException.class);

            node.modifySubscriptionsAsOwner(List.of(new Subscription(JidCreate.bareFrom(env.jid(bob)), "board", null, Subscription.State.none)));
            assertThat(node.getSubscriptionsAsOwner()).isEmpty();
        }
    }

    @Test
    void aTemporarySubscriptionEndsWithTheSession() throws Exception {
        try (NodeWithClients env = new NodeWithClients(Map.of())) {
            String alice = env.newUser();
            String bob = env.newUser();
            XMPPTCPConnection a = env.clients.login(alice, "secret", "a");
            XMPPTCPConnection b = env.clients.login(bob, "secret", "b");
            PubSubManager.getInstanceFor(a, JidCreate.bareFrom("pubsub.localhost")).createNode("live");
            request(b, JidCreate.from("pubsub.localhost"), IQ.Type.set, PubSubClient.PUBSUB,
                    "<subscribe node='live' jid='" + env.jid(bob) + "/b'/><options><x xmlns='jabber:x:data' type='submit'>"
                            + "<field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/pubsub#subscribe_options</value></field>"
                            + "<field var='pubsub#expire'><value>presence</value></field></x></options>");
            PubSubTopics topics = env.node.pubSubTopics().orElseThrow();
            assertThat(topics.isSubscribed("live", new JID(env.jid(bob) + "/b"))).isTrue();
            b.disconnect();
            await().atMost(ClusterFixtures.WAIT).until(() -> !topics.isSubscribed("live", new JID(env.jid(bob) + "/b")));
        }
    }

    @Test
    void aTransientNotificationOnlyNodeTakesNotificationsWithoutItemsOnly() throws Exception {
        try (NodeWithClients env = new NodeWithClients(Map.of())) {
            String alice = env.newUser();
            XMPPTCPConnection a = env.clients.login(alice, "secret", "a");
            PubSubManager pubsub = PubSubManager.getInstanceFor(a, JidCreate.bareFrom("pubsub.localhost"));
            FillableConfigureForm config = pubsub.getDefaultConfiguration().getFillableForm();
            config.setDeliverPayloads(false);
            config.setPersistentItems(false);
            LeafNode node = (LeafNode) pubsub.createNode("pings", config);
            node.publish();
            assertThatThrownBy(() -> node.publish(item("x", "an item")))
                    .isInstanceOfSatisfying(XMPPErrorException.class, e -> {
                        assertThat(e.getStanzaError().getType()).isEqualTo(StanzaError.Type.MODIFY);
                        assertThat(PubSubClient.pubsubCondition(e)).isEqualTo("item-forbidden");
                    });
            pubsub.deleteNode("pings");
        }
    }

    @Test
    void pluginsUseTheTopicsOfTheVinesServer() throws Exception {
        try (NodeWithClients env = new NodeWithClients(Map.of())) {
            String alice = env.newUser();
            String bob = env.newUser();
            XMPPTCPConnection a = env.clients.login(alice, "secret", "a");
            XMPPTCPConnection b = env.clients.login(bob, "secret", "b");
            List<Message> aEvents = events(a);
            List<Message> bEvents = events(b);
            PubSubTopics topics = env.node.pubSubTopics().orElseThrow();
            assertThat(topics.domain()).isEqualTo("pubsub.localhost");

            assertThat(topics.addTopic("alerts")).isTrue();
            assertThat(topics.addTopic("alerts")).isFalse();
            assertThat(topics.topicExists("alerts")).isTrue();
            JID aliceJid = new JID(env.jid(alice));
            JID bobPhone = new JID(env.jid(bob) + "/b");
            topics.subscribe("alerts", aliceJid);
            topics.subscribe("alerts", bobPhone);
            assertThat(topics.subscribers("alerts")).containsExactlyInAnyOrder(aliceJid, bobPhone);
            assertThat(topics.isSubscribed("alerts", bobPhone)).isTrue();

            String id = topics.publish("alerts", DocumentHelper.parseText("<alert xmlns='urn:skein:test'>disk full</alert>").getRootElement());
            await().atMost(ClusterFixtures.WAIT).until(() -> count(aEvents, "alerts", "disk full") == 1 && count(bEvents, "alerts", "disk full") == 1);
            assertThat(aEvents.get(0).getFrom().toString()).isEqualTo("pubsub.localhost");
            assertThat(aEvents.get(0).toXML().toString()).contains(id);

            assertThat(topics.unsubscribe("alerts", aliceJid)).isTrue();
            assertThat(topics.unsubscribe("alerts", aliceJid)).isFalse();
            topics.addTopic("other");
            topics.subscribe("other", bobPhone);
            assertThat(topics.unsubscribeEverywhere(bobPhone)).isEqualTo(2);
            assertThat(topics.subscribers("alerts")).isEmpty();
            assertThat(topics.deleteTopic("alerts")).isTrue();
            assertThat(topics.deleteTopic("alerts")).isFalse();
            assertThat(topics.topicExists("alerts")).isFalse();
            assertThatThrownBy(() -> topics.publish("alerts", DocumentHelper.createElement("x"))).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
