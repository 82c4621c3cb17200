package org.skein.hazelcast.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.skein.cluster.NodeID;

class OutboxTest {

    private final AtomicLong now = new AtomicLong();
    private final DestinationCounters counters = new DestinationCounters();

    private Outbox outbox(int queueSize, int batchSize, long batchBytes) {
        RouterSettings settings = new RouterSettings(queueSize, Duration.ofSeconds(5), batchSize, batchBytes, Duration.ofSeconds(30), 1);
        return new Outbox(NodeID.of("two"), "member", counters, settings, now::get);
    }

    private static QueuedStanza stanza(int n) {
        return new QueuedStanza("bob@example.org/r", ("<message><body>" + n + "</body></message>").getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> bodies(List<QueuedStanza> stanzas) {
        return stanzas.stream().map(s -> new String(s.xml(), StandardCharsets.UTF_8).replaceAll("\\D", "")).toList();
    }

    @Test
    void theFirstStanzaLeavesAtOnceAndTheRestWaitForTheAcknowledgementInBatchesInOrder() throws Exception {
        Outbox box = outbox(100, 3, 1 << 20);

        Outbox.Offer first = box.offer(stanza(0), 0);
        assertThat(first.accepted()).isTrue();
        assertThat(bodies(first.toSend().stanzas)).containsExactly("0");
        for (int i = 1; i <= 4; i++) {
            Outbox.Offer offer = box.offer(stanza(i), 0);
            assertThat(offer.accepted()).isTrue();
            assertThat(offer.toSend()).as("nothing leaves while a batch is in flight").isNull();
        }
        assertThat(counters.queued.get()).isEqualTo(5);

        Outbox.Batch second = box.acknowledged(first.toSend());
        assertThat(bodies(second.stanzas)).containsExactly("1", "2", "3");
        Outbox.Batch third = box.acknowledged(second);
        assertThat(bodies(third.stanzas)).containsExactly("4");
        assertThat(box.acknowledged(third)).isNull();
        assertThat(box.isIdle()).isTrue();
        assertThat(counters.sent.get()).isEqualTo(5);
        assertThat(counters.batches.get()).isEqualTo(3);
        assertThat(counters.queued.get()).isZero();
        assertThat(box.acknowledged(third)).as("an old acknowledgement changes nothing").isNull();
        assertThat(counters.sent.get()).isEqualTo(5);
    }

    @Test
    void aBatchStopsAtItsByteLimitButHoldsAtLeastOneStanza() throws Exception {
        Outbox box = outbox(100, 100, 1024);
        Outbox.Batch first = box.offer(new QueuedStanza("a@b/c", new byte[2000]), 0).toSend();
        assertThat(first.stanzas).hasSize(1);
        for (int i = 0; i < 10; i++) {
            box.offer(new QueuedStanza("a@b/c", new byte[300]), 0);
        }
        assertThat(box.acknowledged(first).stanzas).hasSize(3);
    }

    @Test
    void aFullQueueHoldsTheSenderBackUntilThereIsRoomOrTheTimeoutPasses() throws Exception {
        Outbox box = outbox(2, 10, 1 << 20);
        Outbox.Batch inFlight = box.offer(stanza(0), 0).toSend();
        box.offer(stanza(1), 0);
        box.offer(stanza(2), 0);

        assertThat(box.offer(stanza(3), TimeUnit.MILLISECONDS.toNanos(1)).refusal()).isEqualTo(Outbox.Refusal.TIMED_OUT);
        assertThat(counters.pushbacks.get()).isEqualTo(1);

        CompletableFuture<Outbox.Offer> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return box.offer(stanza(3), TimeUnit.SECONDS.toNanos(30));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Outbox.Batch next = box.acknowledged(inFlight);
        assertThat(waiting.get(30, TimeUnit.SECONDS).accepted()).isTrue();
        assertThat(bodies(next.stanzas)).containsExactly("1", "2");
        assertThat(bodies(box.acknowledged(next).stanzas)).containsExactly("3");
    }

    @Test
    void closingReturnsEveryUnacknowledgedStanzaInOrderAndReleasesWaitingSenders() throws Exception {
        Outbox box = outbox(2, 1, 1 << 20);
        box.offer(stanza(0), 0);
        box.offer(stanza(1), 0);
        box.offer(stanza(2), 0);
        CompletableFuture<Outbox.Offer> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return box.offer(stanza(3), TimeUnit.SECONDS.toNanos(30));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });

        assertThat(bodies(box.close())).containsExactly("0", "1", "2");
        assertThat(waiting.get(30, TimeUnit.SECONDS).refusal()).isEqualTo(Outbox.Refusal.CLOSED);
        assertThat(counters.failed.get()).isEqualTo(3);
        assertThat(counters.queued.get()).isZero();
        assertThat(box.offer(stanza(4), 0).refusal()).isEqualTo(Outbox.Refusal.CLOSED);
    }

    @Test
    void aFailedOrOverdueBatchIsHandedBackOnceAndTheNextOneLeaves() throws Exception {
        Outbox box = outbox(100, 10, 1 << 20);
        Outbox.Batch first = box.offer(stanza(0), 0).toSend();
        box.offer(stanza(1), 0);

        assertThat(box.overdue(TimeUnit.SECONDS.toNanos(30))).isNull();
        now.addAndGet(TimeUnit.SECONDS.toNanos(31));
        assertThat(box.overdue(TimeUnit.SECONDS.toNanos(30))).isSameAs(first);

        Outbox.Failure failure = box.failed(first);
        assertThat(bodies(failure.failed())).containsExactly("0");
        assertThat(bodies(failure.next().stanzas)).containsExactly("1");
        assertThat(box.failed(first)).isNull();
        assertThat(box.acknowledged(first)).isNull();
        assertThat(counters.failed.get()).isEqualTo(1);
    }
}
