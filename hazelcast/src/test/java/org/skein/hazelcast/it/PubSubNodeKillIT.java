package org.skein.hazelcast.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.skein.c2s.PubSubClient.item;
import static org.skein.c2s.PubSubClient.request;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.pubsub.Item;
import org.jivesoftware.smackx.pubsub.LeafNode;
import org.jivesoftware.smackx.pubsub.PubSubManager;
import org.jivesoftware.smackx.pubsub.form.FillableConfigureForm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jxmpp.jid.impl.JidCreate;
import org.skein.c2s.PubSubClient;

/**
 * Publish-subscribe through a node crash, with three node JVMs on one shared database: a node is killed
 * (SIGKILL) while a client on it publishes; every publication the client saw acknowledged is retrieved
 * from another node afterwards, and the temporary subscription of a session of the dead node is ended by
 * the survivors while a lasting one stays. Logs of the last run: {@code target/pubsub-kill-logs/}.
 */
class PubSubNodeKillIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void acknowledgedItemsSurviveAKilledNodeAndItsSessionsTemporarySubscriptionsEnd() throws Exception {
        try (ProcessCluster cluster = new ProcessCluster(dir, Path.of("target", "pubsub-kill-logs"), "k1", "k2", "k3")) {
            cluster.createUsers("alice", "bob", "carol");
            cluster.start("k1", "k2", "k3");
            cluster.awaitMembers(Duration.ofSeconds(180), "k1", "k2", "k3");
            try (XmppClients clients = new XmppClients(ProcessCluster.DOMAIN, cluster.certificate())) {
                var service = JidCreate.bareFrom("pubsub." + ProcessCluster.DOMAIN);
                XMPPTCPConnection alice = clients.login(cluster.c2sPort("k1"), "alice", "alice", "a1");
                XMPPTCPConnection carol = clients.login(cluster.c2sPort("k1"), "carol", "carol", "c1");
                XMPPTCPConnection bob = clients.login(cluster.c2sPort("k2"), "bob", "bob", "b2");
                PubSubManager pubsub = PubSubManager.getInstanceFor(alice, service);
                FillableConfigureForm config = pubsub.getDefaultConfiguration().getFillableForm();
                config.setMaxItems(1000);
                LeafNode node = (LeafNode) pubsub.createNode("durable", config);
                PubSubManager.getInstanceFor(bob, service).getLeafNode("durable").subscribe(JidCreate.bareFrom("bob@" + ProcessCluster.DOMAIN));
                request(carol, service, IQ.Type.set, PubSubClient.PUBSUB, "<subscribe node='durable' jid='carol@"
                        + ProcessCluster.DOMAIN + "/c1'/><options><x xmlns='jabber:x:data' type='submit'>"
                        + "<field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/pubsub#subscribe_options</value></field>"
                        + "<field var='pubsub#expire'><value>presence</value></field></x></options>");
                assertThat(subscriptions(alice, service)).contains("jid='carol@" + ProcessCluster.DOMAIN + "/c1'", "jid='bob@" + ProcessCluster.DOMAIN + "'");

                // alice publishes one item after the other; node k1 dies while she does
                List<String> acknowledged = new CopyOnWriteArrayList<>();
                CountDownLatch twenty = new CountDownLatch(20);
                Thread publisher = new Thread(() -> {
                    for (int i = 0; ; i++) {
                        try {
                            node.publish(item("item-" + i, "payload " + i));
                        } catch (Exception e) {
                            return; // the node is gone
                        }
                        acknowledged.add("item-" + i);
                        twenty.countDown();
                    }
                }, "publisher");
                publisher.start();
                assertThat(twenty.await(120, TimeUnit.SECONDS)).isTrue();
                cluster.node("k1").kill();
                publisher.join(TimeUnit.SECONDS.toMillis(60));
                assertThat(publisher.isAlive()).isFalse();
                cluster.awaitMembers(Duration.ofSeconds(60), "k2", "k3");

                XMPPTCPConnection aliceAgain = clients.login(cluster.c2sPort("k3"), "alice", "alice", "a3");
                LeafNode seenFromK3 = PubSubManager.getInstanceFor(aliceAgain, service).getLeafNode("durable");
                List<String> stored = seenFromK3.getItems().stream().map(Item::getId).toList();
                assertThat(stored).as("every acknowledged publication is there").containsAll(acknowledged);

                await().atMost(WAIT).untilAsserted(() -> assertThat(subscriptions(aliceAgain, service))
                        .as("the dead node's session's temporary subscription ended, the lasting one stays")
                        .contains("jid='bob@" + ProcessCluster.DOMAIN + "'").doesNotContain("carol@" + ProcessCluster.DOMAIN + "/c1"));
            }
        }
    }

    /** The subscriptions of node "durable", as its owner sees them. */
    private static String subscriptions(XMPPTCPConnection owner, org.jxmpp.jid.BareJid service) throws Exception {
        return request(owner, service, IQ.Type.get, PubSubClient.owner(), "<subscriptions node='durable'/>").toXML().toString();
    }
}
