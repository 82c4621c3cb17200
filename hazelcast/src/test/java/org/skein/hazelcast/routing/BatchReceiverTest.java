package org.skein.hazelcast.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.benmanes.caffeine.cache.Ticker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.skein.cache.CacheFactory;
import org.skein.cache.CacheSettings;
import org.skein.cluster.NodeID;
import org.skein.routing.InboundDelivery;
import org.skein.routing.InboundStanzas;
import org.skein.routing.RoutingTable;

/** The receiving end's order per sending member: a restarted node is followed at once, a departed member is forgotten. */
class BatchReceiverTest {

    private static final NodeID TWO = NodeID.of("two");

    private final CacheFactory caches = new CacheFactory(NodeID.of("one"), name -> CacheSettings.UNLIMITED, Ticker.systemTicker());
    private final ExecutorService lanes = Executors.newFixedThreadPool(4);
    private final InboundStanzas inbound = new InboundStanzas(new RoutingTable(NodeID.of("one"), caches), lanes, 2, 10_000);
    private final BatchReceiver receiver = new BatchReceiver(NodeID.of("one"), inbound);

    @AfterEach
    void stop() throws InterruptedException {
        lanes.shutdownNow();
        lanes.awaitTermination(10, TimeUnit.SECONDS);
        caches.close();
    }

    private static byte[] oneStanza(String body) {
        String xml = "<message xmlns='jabber:client' to='bob@localhost/phone' type='chat'><body>" + body + "</body></message>";
        return BatchCodec.encode(List.of(new QueuedStanza("bob@localhost/phone", xml.getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void aRestartedNodeIsANewMemberWhoseFirstBatchIsTakenAtOnceWhateverItsStreamNumber() {
        long bigStream = 7L << 32;
        for (int seq = 1; seq <= 5; seq++) {
            assertThat(receiver.receive(TWO, "member-a", bigStream, seq, oneStanza("a" + seq))).isEqualTo(seq);
        }
        // node two restarts: a new member (epoch), whose streams start low again (the old wall-clock epochs refused this)
        assertThat(receiver.receive(TWO, "member-b", 1L << 32, 1, oneStanza("b1"))).isEqualTo(1);
        assertThat(receiver.receive(TWO, "member-b", 1L << 32, 2, oneStanza("b2"))).isEqualTo(2);
        assertThat(receiver.members(TWO)).as("the old member's order is dropped with its first batch").isEqualTo(1);
        // every stanza was taken: bob has no session here, so each was handled as undeliverable, none refused as stale
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.sources().get(TWO).undeliverable.get() == 7);
        assertThat(receiver.sources().get(TWO).malformed.get()).isZero();
    }

    @Test
    void aBatchIsNotTakenWhileTheNodesDeliveryIsFullAndIsTakenWhenItIsSentAgain() {
        List<String> handedOver = new CopyOnWriteArrayList<>();
        AtomicBoolean room = new AtomicBoolean(false);
        BatchReceiver full = new BatchReceiver(NodeID.of("one"), new InboundDelivery() {
            @Override
            public boolean hasRoom() {
                return room.get();
            }

            @Override
            public void deliver(NodeID source, List<String> recipients, org.skein.routing.Addressing addressing, byte[] stanza,
                                Report report) {
                handedOver.add(new String(stanza, StandardCharsets.UTF_8));
            }
        });

        assertThat(full.receive(TWO, "member-a", 1L << 32, 1, oneStanza("first"))).isEqualTo(BatchReceiver.BUSY);
        assertThat(handedOver).isEmpty();
        room.set(true);
        assertThat(full.receive(TWO, "member-a", 1L << 32, 1, oneStanza("first"))).isEqualTo(1);
        assertThat(handedOver).hasSize(1).allMatch(xml -> xml.contains("first"));
    }

    @Test
    void theOrderKeptForAMemberThatLeftIsDropped() {
        assertThat(receiver.receive(TWO, "member-a", 1L << 32, 2, oneStanza("early"))).as("waits for batch 1").isZero();
        assertThat(receiver.members(TWO)).isEqualTo(1);

        assertThat(receiver.forget(TWO, "member-b")).as("another member of the node").isFalse();
        assertThat(receiver.forget(TWO, "member-a")).isTrue();

        assertThat(receiver.members(TWO)).isZero();
        assertThat(receiver.receive(TWO, "member-c", 1L << 32, 1, oneStanza("new"))).isEqualTo(1);
    }

    @Test
    void theMetersCountBatchesBytesUnreadableBatchesAndStanzasWhoseSessionIsGone() {
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        BatchReceiver metered = new BatchReceiver(NodeID.of("one"), inbound, new RouterMeters(registry));
        byte[] good = oneStanza("counted");
        assertThat(metered.receive(TWO, "member-a", 1L << 32, 1, good)).isEqualTo(1);
        assertThat(metered.receive(TWO, "member-a", 1L << 32, 2, "not a batch".getBytes(StandardCharsets.UTF_8))).isEqualTo(2);

        assertThat(registry.get("skein.cluster.batches.received").tag("peer", "two").counter().count()).isEqualTo(2);
        assertThat(registry.get("skein.cluster.bytes.received").tag("peer", "two").counter().count()).isEqualTo(good.length + 11);
        assertThat(registry.get("skein.cluster.batches.unreadable").tag("peer", "two").counter().count()).isEqualTo(1);
        assertThat(registry.get("skein.cluster.batch.stanzas").tags("peer", "two", "direction", "received").summary().totalAmount())
                .isEqualTo(1);
        // bob has no session on this node: the stanza is handled as for an offline user, and counted so
        await().atMost(Duration.ofSeconds(10)).until(() -> registry.get("skein.cluster.stanzas.received")
                .tags("peer", "two", "outcome", "undeliverable").counter().count() == 1);
        assertThat(registry.get("skein.cluster.stanzas.received").tags("peer", "two", "outcome", "delivered").counter().count()).isZero();
    }

    @Test
    void aBatchOlderThanItsSendersTimeoutIsDroppedAndCountedAndTheSenderIsToldSo() {
        long timeout = TimeUnit.SECONDS.toNanos(30);
        long now = System.nanoTime();
        assertThat(receiver.receive(TWO, "member-a", 1L << 32, 1, new StanzaBatch.Timing(now, timeout, 0), oneStanza("fresh")))
                .isEqualTo(1);
        assertThat(receiver.receive(TWO, "member-a", 1L << 32, 2, new StanzaBatch.Timing(now - timeout, timeout, 0),
                oneStanza("old"))).isEqualTo(SourceSequence.LATE);
        assertThat(receiver.sources().get(TWO).late.get()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.sources().get(TWO).undeliverable.get() == 1);
    }
}
