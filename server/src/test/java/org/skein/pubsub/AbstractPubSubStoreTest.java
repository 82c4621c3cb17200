package org.skein.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.skein.storage.Database;
import org.skein.storage.JdbcUserStore;
import org.xmpp.packet.PacketError;

/** What the pubsub store does, on each database Skein supports. */
abstract class AbstractPubSubStoreTest {

    static final String SERVICE = "pubsub.example.org";

    abstract Database database();

    private PubSubStore store() {
        return new JdbcPubSubStore(database());
    }

    private static NodeConfig maxItems(int n) {
        return NodeConfig.SERVICE_DEFAULTS.with("pubsub#max_items", List.of(String.valueOf(n)), 1000);
    }

    private static PublishedItem item(String id, String text) {
        return new PublishedItem(id, 0, "alice@example.org/phone", 1000, "<entry xmlns='urn:test'>" + text + "</entry>");
    }

    private static final PubSubStore.PublishCheck ANY = (config, created) -> { };

    @Test
    void aNodeIsCreatedOnceWithItsOwnersAndConfiguration() {
        PubSubStore store = store();
        NodeConfig open = NodeConfig.SERVICE_DEFAULTS.with("pubsub#title", List.of("Line 1\nLine 2 \\ done"), 1000);
        NodeState node = store.create(SERVICE, "news", null, "alice@example.org", open, 42, Set.of("alice@example.org"));
        assertThat(node.config()).isEqualTo(open);
        assertThat(node.affiliation("alice@example.org")).isEqualTo(Affiliation.OWNER);
        assertThat(store.node(SERVICE, "news")).contains(node);
        assertThat(store.node(SERVICE, "other")).isEmpty();
        assertThatThrownBy(() -> store.create(SERVICE, "news", null, "bob@example.org", open, 43, Set.of()))
                .isInstanceOfSatisfying(PubSubException.class, e -> assertThat(e.condition()).isEqualTo(PacketError.Condition.conflict));
        assertThat(store.nodeNames(SERVICE, 0, 10)).containsExactly("news");
        assertThat(store.nodeCount(SERVICE)).isEqualTo(1);
    }

    @Test
    void publishedItemsAreKeptUpToMaxItemsNewestFirstAndAReplacedItemBecomesTheNewest() {
        PubSubStore store = store();
        store.create(SERVICE, "feed", null, "alice@example.org", maxItems(3), 1, Set.of("alice@example.org"));
        List<Long> seqs = new ArrayList<>();
        for (String id : List.of("a", "b", "c", "d")) {
            seqs.add(store.publish(SERVICE, "feed", item(id, id), 1000, null, ANY).seq());
        }
        assertThat(seqs).isSorted().doesNotHaveDuplicates();
        assertThat(store.items(SERVICE, "feed", null, 10)).extracting(PublishedItem::id).containsExactly("d", "c", "b");
        store.publish(SERVICE, "feed", item("b", "b again"), 1000, null, ANY);
        assertThat(store.items(SERVICE, "feed", null, 10)).extracting(PublishedItem::id).containsExactly("b", "d", "c");
        assertThat(store.items(SERVICE, "feed", List.of("c", "zz"), 10)).extracting(PublishedItem::payloadXml)
                .containsExactly("<entry xmlns='urn:test'>c</entry>");
        assertThat(store.items(SERVICE, "feed", null, 1)).extracting(PublishedItem::id).containsExactly("b");
        assertThat(store.itemCount(SERVICE, "feed")).isEqualTo(3);
        assertThat(store.lastItems(SERVICE)).containsOnlyKeys("feed");
        assertThat(store.lastItems(SERVICE).get("feed").payloadXml()).contains("b again");

        long cSeq = store.items(SERVICE, "feed", List.of("c"), 1).get(0).seq();
        assertThat(store.itemsPage(SERVICE, "feed", null, null, 2)).extracting(PublishedItem::id).containsExactly("b", "d");
        assertThat(store.itemsPage(SERVICE, "feed", store.items(SERVICE, "feed", List.of("d"), 1).get(0).seq(), null, 2))
                .extracting(PublishedItem::id).containsExactly("c");
        assertThat(store.itemsPage(SERVICE, "feed", null, cSeq, 1)).extracting(PublishedItem::id).containsExactly("d");
    }

    @Test
    void aPublicationCreatesAMissingNodeOrFailsAndARefusedOneWritesNothing() {
        PubSubStore store = store();
        assertThatThrownBy(() -> store.publish(SERVICE, "none", item("a", "x"), 1000, null, ANY))
                .isInstanceOfSatisfying(PubSubException.class, e -> assertThat(e.condition()).isEqualTo(PacketError.Condition.item_not_found));
        PubSubStore.Published created = store.publish(SERVICE, "auto", item("a", "x"), 1000,
                new PubSubStore.AutoCreate(null, "alice@example.org", maxItems(5), Set.of("alice@example.org")), ANY);
        assertThat(created.created()).isTrue();
        assertThat(store.node(SERVICE, "auto").orElseThrow().affiliation("alice@example.org")).isEqualTo(Affiliation.OWNER);

        assertThatThrownBy(() -> store.publish(SERVICE, "auto", item("b", "y"), 1000, null, (config, createdNow) -> {
            throw new PubSubException(PacketError.Condition.conflict, "precondition-not-met", "no");
        })).isInstanceOf(PubSubException.class);
        assertThat(store.items(SERVICE, "auto", null, 10)).extracting(PublishedItem::id).containsExactly("a");

        NodeConfig transientNode = NodeConfig.SERVICE_DEFAULTS.with("pubsub#persist_items", List.of("0"), 1000);
        store.create(SERVICE, "transient", null, "alice@example.org", transientNode, 1, Set.of());
        store.publish(SERVICE, "transient", item("c", "z"), 1000, null, ANY);
        assertThat(store.itemCount(SERVICE, "transient")).isZero();
    }

    @Test
    void itemsAreRetractedAndPurgedAndANewMaximumTrimsThem() {
        PubSubStore store = store();
        store.create(SERVICE, "feed", null, "alice@example.org", maxItems(10), 1, Set.of());
        for (String id : List.of("a", "b", "c", "d")) {
            store.publish(SERVICE, "feed", item(id, id), 1000, null, ANY);
        }
        assertThat(store.retract(SERVICE, "feed", "b")).isTrue();
        assertThat(store.retract(SERVICE, "feed", "b")).isFalse();
        long version = store.configure(SERVICE, "feed", maxItems(2));
        assertThat(version).isEqualTo(store.node(SERVICE, "feed").orElseThrow().version());
        assertThat(store.items(SERVICE, "feed", null, 10)).extracting(PublishedItem::id).containsExactly("d", "c");
        assertThat(store.purge(SERVICE, "feed")).isEqualTo(2);
        assertThat(store.itemCount(SERVICE, "feed")).isZero();
        assertThat(store.configure(SERVICE, "gone", maxItems(2))).isNegative();
    }

    @Test
    void affiliationsAndSubscriptionsAreKeptAndADeletedNodeTakesEverythingWithIt() {
        PubSubStore store = store();
        store.create(SERVICE, "room", null, "alice@example.org", NodeConfig.SERVICE_DEFAULTS, 1, Set.of("alice@example.org"));
        store.setAffiliation(SERVICE, "room", "bob@example.org", Affiliation.PUBLISHER);
        store.setAffiliation(SERVICE, "room", "eve@example.org", Affiliation.OUTCAST);
        store.setAffiliation(SERVICE, "room", "eve@example.org", Affiliation.NONE);
        store.putSubscription(SERVICE, "room", new Subscriber("s1", "bob@example.org", "subscribed", "pubsub#deliver=1\n", null), 1);
        store.putSubscription(SERVICE, "room", new Subscriber("s2", "carol@example.org/phone", "subscribed", "", "node-2"), 2);
        store.publish(SERVICE, "room", item("a", "x"), 1000, null, ANY);

        NodeState node = store.node(SERVICE, "room").orElseThrow();
        assertThat(node.affiliations()).containsOnlyKeys("alice@example.org", "bob@example.org");
        assertThat(node.subscribers()).extracting(Subscriber::subid).containsExactly("s1", "s2");
        assertThat(store.subscriptionsOf(SERVICE, "bob@example.org")).extracting(h -> h.subscriber().subid()).containsExactly("s1");
        assertThat(store.subscriptionsOf(null, "carol@example.org/phone")).hasSize(1);
        assertThat(store.temporarySubscriptions("node-2")).extracting(h -> h.subscriber().jid()).containsExactly("carol@example.org/phone");
        assertThat(store.affiliationsOf(SERVICE, "bob@example.org")).containsEntry("room", Affiliation.PUBLISHER);
        assertThat(store.removeSubscription(SERVICE, "room", "s2")).isTrue();
        assertThat(store.temporarySubscriptions("node-2")).isEmpty();

        assertThat(store.delete(SERVICE, "room")).isTrue();
        assertThat(store.delete(SERVICE, "room")).isFalse();
        assertThat(store.node(SERVICE, "room")).isEmpty();
        assertThat(store.subscriptionsOf(null, "bob@example.org")).isEmpty();
        assertThat(store.itemCount(SERVICE, "room")).isZero();
    }

    @Test
    void thePepNodesOfAnAccountGoWithTheAccount() throws Exception {
        JdbcUserStore users = new JdbcUserStore(database(), Clock.systemUTC());
        users.create("alice", List.of(), "", "");
        PubSubStore store = store();
        store.publish("alice@example.org", "urn:xmpp:avatar:data", item("a", "x"), 1000,
                new PubSubStore.AutoCreate("alice", "alice@example.org", NodeConfig.PEP_DEFAULTS, Set.of()), ANY);
        assertThat(store.nodes("alice@example.org")).containsOnlyKeys("urn:xmpp:avatar:data");
        users.delete("alice");
        assertThat(store.nodes("alice@example.org")).isEmpty();
        assertThat(store.lastItems("alice@example.org")).isEmpty();
    }

    @Test
    void concurrentPublicationsToOneNodeGetDistinctSequenceNumbersAndKeepTheMaximum() throws Exception {
        PubSubStore store = store();
        store.create(SERVICE, "busy", null, "alice@example.org", maxItems(5), 1, Set.of());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Long>> seqs = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String id = "i" + i;
                seqs.add(pool.submit(() -> store.publish(SERVICE, "busy", item(id, id), 1000, null, ANY).seq()));
            }
            List<Long> all = new ArrayList<>();
            for (Future<Long> seq : seqs) {
                all.add(seq.get());
            }
            assertThat(all).doesNotHaveDuplicates();
            assertThat(store.itemCount(SERVICE, "busy")).isEqualTo(5);
            assertThat(store.items(SERVICE, "busy", null, 5)).extracting(PublishedItem::seq)
                    .containsExactlyElementsOf(all.stream().sorted(java.util.Comparator.reverseOrder()).limit(5).toList());
        } finally {
            pool.shutdownNow();
        }
    }
}
