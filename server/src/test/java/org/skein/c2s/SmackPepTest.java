package org.skein.c2s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.skein.c2s.PubSubClient.count;
import static org.skein.c2s.PubSubClient.drain;
import static org.skein.c2s.PubSubClient.events;
import static org.skein.c2s.PubSubClient.item;
import static org.skein.c2s.PubSubClient.notifyOf;
import static org.skein.c2s.PubSubClient.request;

import java.util.List;
import java.util.Map;
import org.jivesoftware.smack.XMPPException.XMPPErrorException;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.delay.packet.DelayInformation;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.jivesoftware.smackx.disco.packet.DiscoverInfo;
import org.jivesoftware.smackx.disco.packet.DiscoverItems;
import org.jivesoftware.smackx.blocking.BlockingCommandManager;
import org.jivesoftware.smackx.pep.PepManager;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;

/**
 * PEP (XEP-0163) on one node with Smack 4.4 clients: notifications to the owner's and contacts' resources
 * whose caps ask for them, exactly once; the last item for a resource that comes online; publish-options
 * as OMEMO clients send them; items, retraction, deletion; access models; discovery.
 */
class SmackPepTest {

    private static final String NODE = "urn:skein:test:mood";

    @Test
    void aPublicationReachesEveryInterestedResourceOfTheOwnerAndItsContactsOnce() throws Exception {
        try (NodeWithClients env = new NodeWithClients(Map.of())) {
            String alice = env.newUser();
            String bob = env.newUser();
            String carol = env.newUser();
            ClusterFixtures.befriend(env.node, alice, bob);
            XMPPTCPConnection a1 = env.clients.login(alice, "secret", "a1");
            XMPPTCPConnection a2 = env.clients.login(alice, "secret", "a2");
            XMPPTCPConnection b1 = env.clients.login(bob, "secret", "b1");
            XMPPTCPConnection b2 = env.clients.login(bob, "secret", "b2");
            XMPPTCPConnection c1 = env.clients.login(carol, "secret", "c1");
            List<Message> a1Events = events(a1);
            List<Message> a2Events = events(a2);
            List<Message> b1Events = events(b1);
            List<Message> b2Events = events(b2);
            List<Message> c1Events = events(c1);
            notifyOf(a1, NODE);
            notifyOf(b1, NODE);
            notifyOf(c1, NODE); // a stranger: interested, but it does not see alice's presence
            awaitInterest(env, a1, b1, c1);

            PepManager.getInstanceFor(a1).publish(NODE, item("first", "happy"));

            await().atMost(ClusterFixtures.WAIT).until(() -> count(b1Events, NODE, "happy") == 1 && count(a1Events, NODE, "happy") == 1);
            for (XMPPTCPConnection client : List.of(a1, a2, b1, b2, c1)) {
                drain(client);
            }
            assertThat(count(a1Events, NODE, "happy")).isEqualTo(1);
            assertThat(count(b1Events, NODE, "happy")).isEqualTo(1);
            assertThat(count(a2Events, NODE, null)).as("a resource without +notify").isZero();
            assertThat(count(b2Events, NODE, null)).as("a resource without +notify").isZero();
            assertThat(count(c1Events, NODE, null)).as("no presence subscription").isZero();
            Message event = b1Events.get(0);
            assertThat(event.getFrom().toString()).isEqualTo(env.jid(alice));
        }
    }

    @Test
    void aResourceThatComesOnlineOrAsksLaterGetsTheLastItemOnceWithItsTime() throws Exception {
        try (NodeWithClients env = new NodeWithClients(Map.of())) {
            String alice = env.newUser();
            String bob = env.newUser();
            ClusterFixtures.befriend(env.node, alice, bob);
            XMPPTCPConnection a1 = env.clients.login(alice, "secret", "a1");
            PepManager.getInstanceFor(a1).publish(NODE, item("one", "sleepy"));
            PepManager.getInstanceFor(a1).publish(NODE, item("two", "awake"));

            XMPPTCPConnection b1 = env.clients.unconnected(bob, "secret", "b1");
            List<Message> b1Events = events(b1);
            notifyOf(b1, NODE);
            b1.connect().login();
            await().atMost(ClusterFixtures.WAIT).until(() -> count(b1Events, NODE, "awake") == 1);

            XMPPTCPConnection b2 = env.clients.login(bob, "secret", "b2");
            List<Message> b2Events = events(b2);
            drain(b2);
            assertThat(count(b2Events, NODE, null)).as("no interest yet").isZero();
            notifyOf(b2, NODE);
            await().atMost(ClusterFixtures.WAIT).until(() -> count(b2Events, NODE, "awake") == 1);

            drain(b1);
            drain(b2);
            assertThat(count(b1Events, NODE, null)).isEqualTo(1);
            assertThat(count(b2Events, NODE, null)).isEqualTo(1);
            assertThat(count(b1Events, NODE, "sleepy")).as("only the newest item").isZero();
            assertThat(b1Events.get(0).getExtension(DelayInformation.class)).isNotNull();
        }
    }

    @Test
    void publishOptionsCreateAnOpenNodeAndAreCheckedAsPreconditions() throws Exception {
        try (NodeWithClients env = new NodeWithClients(Map.of())) {
            String alice = env.newUser();
            String stranger = env.newUser();
            XMPPTCPConnection a = env.clients.login(alice, "secret", "a");
            XMPPTCPConnection s = env.clients.login(stranger, "secret", "s");
            String devices = "eu.siacs.conversations.axolotl.devicelist";
            // as Conversations publishes its OMEMO device list
            request(a, null, IQ.Type.set, PubSubClient.PUBSUB, "<publish node='" + devices + "'><item id='current'>"
                    + "<list xmlns='eu.siacs.conversations.axolotl'><device id='1234'/></list></item></publish>"
                    + publishOptions("<field var='pubsub#access_model'><value>open</value></field>"
                    + "<field var='pubsub#persist_items'><value>true</value></field>"
                    + "<field var='pubsub#max_items'><value>max</value></field>"));

            IQ items = request(s, JidCreate.bareFrom(env.jid(alice)), IQ.Type.get, PubSubClient.PUBSUB, "<items node='" + devices + "'/>");
            assertThat(items.toXML().toString()).contains("id='1234'").contains("item id='current'");

            assertThatThrownBy(() -> request(a, null, IQ.Type.set, PubSubClient.PUBSUB, "<publish node='" + devices + "'><item id='current'>"
                    + "<list xmlns='eu.siacs.conversations.axolotl'/></item></publish>"
                    + publishOptions("<field var='pubsub#access_model'><value>presence</value></field>")))
                    .isInstanceOfSatisfying(XMPPErrorException.class, e -> {
                        assertThat(e.getStanzaError().getCondition()).isEqualTo(StanzaError.Condition.conflict);
                        assertThat(PubSubClient.pubsubCondition(e)).isEqualTo("precondition-not-met");
                    });
            IQ unchanged = request(s, JidCreate.bareFrom(env.jid(alice)), IQ.Type.get, PubSubClient.PUBSUB, "<items node='" + devices + "'/>");
            assertThat(unchanged.toXML().toString()).as("a refused publication changes nothing").contains("id='1234'");
        }
    }

    @Test
    void itemsAreRetrievedAllByIdOrTheNewestAndRetractedAndTheNodeDeleted() throws Exception {
        try (NodeWithClients env = new NodeWithClients(Map.of())) {
            String alice = env.newUser();
            String bob = env.newUser();
            ClusterFixtures.befriend(env.node, alice, bob);
            XMPPTCPConnection a = env.clients.login(alice, "secret", "a");
            XMPPTCPConnection b = env.clients.login(bob, "secret", "b");
            List<Message> bEvents = events(b);
            notifyOf(b, "feed");
            awaitInterest(env, b);
            String options = publishOptions("<field var='pubsub#max_items'><value>10</value></field>");
            for (String id : List.of("i1", "i2", "i3")) {
                request(a, null, IQ.Type.set, PubSubClient.PUBSUB, "<publish node='feed'><item id='" + id + "'>"
                        + "<entry xmlns='urn:skein:test'>text " + id + "</entry></item></publish>" + options);
            }
            var owner = JidCreate.bareFrom(env.jid(alice));
            String all = request(b, owner, IQ.Type.get, PubSubClient.PUBSUB, "<items node='feed'/>").toXML().toString();
            assertThat(all).contains("text i1", "text i2", "text i3");
            String byId = request(b, owner, IQ.Type.get, PubSubClient.PUBSUB, "<items node='feed'><item id='i2'/></items>").toXML().toString();
            assertThat(byId).contains("text i2").doesNotContain("text i1", "text i3");
            String newest = request(b, owner, IQ.Type.get, PubSubClient.PUBSUB, "<items node='feed' max_items='2'/>").toXML().toString();
            assertThat(newest).contains("text i2", "text i3").doesNotContain("text i1");
            String page = request(b, owner, IQ.Type.get, PubSubClient.PUBSUB,
                    "<items node='feed'/><set xmlns='http://jabber.org/protocol/rsm'><max>1</max><after>i3</after></set>").toXML().toString();
            assertThat(page).contains("text i2").doesNotContain("text i3", "text i1").contains("<count>3</count>");

            request(a, null, IQ.Type.set, PubSubClient.PUBSUB, "<retract node='feed' notify='true'><item id='i1'/></retract>");
            await().atMost(ClusterFixtures.WAIT).until(() -> bEvents.stream().anyMatch(m -> m.toXML().toString().contains("retract id='i1'")
                    || m.toXML().toString().contains("retract id=\"i1\"")));
            assertThat(request(b, owner, IQ.Type.get, PubSubClient.PUBSUB, "<items node='feed'/>").toXML().toString())
                    .doesNotContain("text i1").contains("text i3");

            request(a, null, IQ.Type.set, PubSubClient.owner(), "<delete node='feed'/>");
            assertThatThrownBy(() -> request(b, owner, IQ.Type.get, PubSubClient.PUBSUB, "<items node='feed'/>"))
                    .isInstanceOfSatisfying(XMPPErrorException.class,
                            e -> assertThat(e.getStanzaError().getCondition()).isEqualTo(StanzaError.Condition.item_not_found));
            assertThat(count(bEvents, "feed", "text i1")).isEqualTo(1);
        }
    }

    @Test
    void accessModelsDecideWhoMayRetrieveItems() throws Exception {
        try (NodeWithClients env = new NodeWithClients(Map.of())) {
            String alice = env.newUser();
            String bob = env.newUser();
            String stranger = env.newUser();
            ClusterFixtures.befriend(env.node, alice, bob);
            XMPPTCPConnection a = env.clients.login(alice, "secret", "a");
            XMPPTCPConnection b = env.clients.login(bob, "secret", "b");
            XMPPTCPConnection s = env.clients.login(stranger, "secret", "s");
            var owner = JidCreate.bareFrom(env.jid(alice));
            PepManager.getInstanceFor(a).publish("presence-node", item("x", "for contacts"));
            request(a, null, IQ.Type.set, PubSubClient.PUBSUB, "<publish node='secret'><item id='x'><entry xmlns='urn:skein:test'>keys</entry>"
                    + "</item></publish>" + publishOptions("<field var='pubsub#access_model'><value>whitelist</value></field>"));

            assertThat(request(b, owner, IQ.Type.get, PubSubClient.PUBSUB, "<items node='presence-node'/>").toXML().toString())
                    .contains("for contacts");
            assertThatThrownBy(() -> request(s, owner, IQ.Type.get, PubSubClient.PUBSUB, "<items node='presence-node'/>"))
                    .isInstanceOfSatisfying(XMPPErrorException.class, e -> {
                        assertThat(e.getStanzaError().getCondition()).isEqualTo(StanzaError.Condition.not_authorized);
                        assertThat(PubSubClient.pubsubCondition(e)).isEqualTo("presence-subscription-required");
                    });
            assertThatThrownBy(() -> request(b, owner, IQ.Type.get, PubSubClient.PUBSUB, "<items node='secret'/>"))
                    .isInstanceOfSatisfying(XMPPErrorException.class,
                            e -> assertThat(e.getStanzaError().getCondition()).isEqualTo(StanzaError.Condition.not_allowed));
            assertThat(request(a, null, IQ.Type.get, PubSubClient.PUBSUB, "<items node='secret'/>").toXML().toString())
                    .as("the owner").contains("keys");

            request(a, null, IQ.Type.set, PubSubClient.owner(), "<affiliations node='secret'><affiliation jid='" + env.jid(bob)
                    + "' affiliation='member'/></affiliations>");
            assertThat(request(b, owner, IQ.Type.get, PubSubClient.PUBSUB, "<items node='secret'/>").toXML().toString())
                    .as("a member of the whitelist").contains("keys");
        }
    }

    @Test
    void theAccountHasAPepIdentityAndListsTheNodesARequesterMaySee() throws Exception {
        try (NodeWithClients env = new NodeWithClients(Map.of())) {
            String alice = env.newUser();
            String stranger = env.newUser();
            XMPPTCPConnection a = env.clients.login(alice, "secret", "a");
            XMPPTCPConnection s = env.clients.login(stranger, "secret", "s");
            assertThat(PepManager.getInstanceFor(a).isSupported()).isTrue();
            DiscoverInfo account = ServiceDiscoveryManager.getInstanceFor(s).discoverInfo(JidCreate.bareFrom(env.jid(alice)));
            assertThat(account.hasIdentity("pubsub", "pep")).isTrue();
            assertThat(account.containsFeature("http://jabber.org/protocol/pubsub#publish-options")).isTrue();
            DiscoverInfo server = ServiceDiscoveryManager.getInstanceFor(s).discoverInfo(JidCreate.domainBareFrom(env.node.xmppDomain()));
            assertThat(server.containsFeature("http://jabber.org/protocol/pubsub")).as("OMEMO clients check the server").isTrue();

            PepManager.getInstanceFor(a).publish("contacts-only", item("x", "hidden"));
            request(a, null, IQ.Type.set, PubSubClient.PUBSUB, "<publish node='public'><item id='x'><entry xmlns='urn:skein:test'>seen</entry>"
                    + "</item></publish>" + publishOptions("<field var='pubsub#access_model'><value>open</value></field>"));
            DiscoverItems nodes = ServiceDiscoveryManager.getInstanceFor(s).discoverItems(JidCreate.bareFrom(env.jid(alice)));
            assertThat(nodes.getItems()).extracting(DiscoverItems.Item::getNode).containsExactly("public");
            DiscoverInfo node = ServiceDiscoveryManager.getInstanceFor(s).discoverInfo(JidCreate.bareFrom(env.jid(alice)), "public");
            assertThat(node.hasIdentity("pubsub", "leaf")).isTrue();
            DiscoverItems own = ServiceDiscoveryManager.getInstanceFor(a).discoverItems(JidCreate.bareFrom(env.jid(alice)));
            assertThat(own.getItems()).extracting(DiscoverItems.Item::getNode).containsExactlyInAnyOrder("public", "contacts-only");
        }
    }

    @Test
    void publishingToAnotherAccountOrWithoutANodeIsRefused() throws Exception {
        try (NodeWithClients env = new NodeWithClients(Map.of())) {
            String alice = env.newUser();
            String bob = env.newUser();
            XMPPTCPConnection b = env.clients.login(bob, "secret", "b");
            assertThatThrownBy(() -> request(b, JidCreate.bareFrom(env.jid(alice)), IQ.Type.set, PubSubClient.PUBSUB,
                    "<publish node='x'><item><entry xmlns='urn:skein:test'/></item></publish>"))
                    .isInstanceOfSatisfying(XMPPErrorException.class,
                            e -> assertThat(e.getStanzaError().getCondition()).isEqualTo(StanzaError.Condition.forbidden));
            assertThatThrownBy(() -> request(b, null, IQ.Type.set, PubSubClient.PUBSUB, "<publish><item/></publish>"))
                    .isInstanceOfSatisfying(XMPPErrorException.class, e -> assertThat(PubSubClient.pubsubCondition(e)).isEqualTo("nodeid-required"));
            assertThatThrownBy(() -> request(b, null, IQ.Type.set, PubSubClient.PUBSUB, "<publish node='y'><item id='1'/></publish>"))
                    .as("a payload node needs a payload")
                    .isInstanceOfSatisfying(XMPPErrorException.class, e -> assertThat(PubSubClient.pubsubCondition(e)).isEqualTo("payload-required"));
            assertThat(b.isConnected()).isTrue();
        }
    }

    static String publishOptions(String fields) {
        return "<publish-options><x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE' type='hidden'>"
                + "<value>http://jabber.org/protocol/pubsub#publish-options</value></field>" + fields + "</x></publish-options>";
    }

    /** Waits until the server knows the caps each client advertised last (its presence carries the new ones). */
    @Test
    void noNotificationCrossesABlockEitherWayNorAsALastItem() throws Exception {
        try (NodeWithClients env = new NodeWithClients(Map.of())) {
            String alice = env.newUser();
            String bob = env.newUser();
            String carol = env.newUser();
            ClusterFixtures.befriend(env.node, alice, bob);
            ClusterFixtures.befriend(env.node, alice, carol);
            ClusterFixtures.befriend(env.node, bob, carol);
            XMPPTCPConnection a = env.clients.login(alice, "secret", "a");
            XMPPTCPConnection b = env.clients.login(bob, "secret", "b");
            XMPPTCPConnection c = env.clients.login(carol, "secret", "c");
            List<Message> aEvents = events(a);
            List<Message> bEvents = events(b);
            List<Message> cEvents = events(c);
            for (XMPPTCPConnection client : List.of(a, b, c)) {
                notifyOf(client, NODE);
            }
            awaitInterest(env, a, b, c);
            BlockingCommandManager.getInstanceFor(b).blockContacts(List.of(JidCreate.from(env.jid(alice))));

            // bob blocked alice: her publication reaches carol and herself, never bob
            PepManager.getInstanceFor(a).publish(NODE, item("1", "from-the-blocked"));
            await().atMost(ClusterFixtures.WAIT).until(() -> count(cEvents, NODE, "from-the-blocked") == 1
                    && count(aEvents, NODE, "from-the-blocked") == 1);
            // and bob's reaches carol, never alice
            PepManager.getInstanceFor(b).publish(NODE, item("2", "from-the-blocker"));
            await().atMost(ClusterFixtures.WAIT).until(() -> count(cEvents, NODE, "from-the-blocker") == 1
                    && count(bEvents, NODE, "from-the-blocker") == 1);
            // a new resource of bob's asking for the node gets carol's last item, not alice's
            PepManager.getInstanceFor(c).publish(NODE, item("3", "from-carol"));
            await().atMost(ClusterFixtures.WAIT).until(() -> count(bEvents, NODE, "from-carol") == 1);
            XMPPTCPConnection b2 = env.clients.login(bob, "secret", "b2");
            List<Message> b2Events = events(b2);
            notifyOf(b2, NODE);
            awaitInterest(env, b2);
            await().atMost(ClusterFixtures.WAIT).until(() -> count(b2Events, NODE, "from-carol") == 1);
            for (XMPPTCPConnection client : List.of(a, b, b2)) {
                drain(client);
            }
            assertThat(count(bEvents, NODE, "from-the-blocked")).isZero();
            assertThat(count(b2Events, NODE, "from-the-blocked")).as("no last item across the block").isZero();
            assertThat(count(aEvents, NODE, "from-the-blocker")).isZero();

            // unblocked: the next publication reaches bob again
            BlockingCommandManager.getInstanceFor(b).unblockContacts(List.of(JidCreate.from(env.jid(alice))));
            PepManager.getInstanceFor(a).publish(NODE, item("4", "friends-again"));
            await().atMost(ClusterFixtures.WAIT).until(() -> count(bEvents, NODE, "friends-again") == 1);
        }
    }

    static void awaitInterest(NodeWithClients env, XMPPTCPConnection... clients) throws Exception {
        for (XMPPTCPConnection client : clients) {
            var full = new org.xmpp.packet.JID(client.getUser().toString());
            String wanted = ServiceDiscoveryManager.getInstanceFor(client).getFeatures().stream()
                    .filter(f -> f.endsWith("+notify")).findFirst().orElseThrow();
            await().atMost(ClusterFixtures.WAIT).until(() -> env.node.entityCapabilities().features(full).contains(wanted));
        }
    }
}
