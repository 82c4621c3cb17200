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
        return outbox(queueSize, batchSize, batchBytes, 1);
    }

    private Outbox outbox(int queueSize, int batchSize, long batchBytes, int window) {
        RouterSettings settings = new RouterSettings(queueSize, Duration.ofSeconds(5), batchSize, batchBytes, window,
                Duration.ofSeconds(30), 1);
        return new Outbox(NodeID.of("two"), "member", counters, settings, now::get, 1000);
    }

    /** The answer of a destination that delivered this batch (and so every one before it). */
    private static List<Outbox.Batch> delivered(Outbox box, Outbox.Batch batch) {
        return box.acknowledged(batch.stream, batch.seq);
    }

    private static Outbox.Batch only(List<Outbox.Batch> batches) {
        assertThat(batches).hasSizeLessThanOrEqualTo(1);
        return batches.isEmpty() ? null : batches.get(0);
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

        Outbox.Batch second = only(delivered(box, first.toSend()));
        assertThat(bodies(second.stanzas)).containsExactly("1", "2", "3");
        Outbox.Batch third = only(delivered(box, second));
        assertThat(bodies(third.stanzas)).containsExactly("4");
        assertThat(delivered(box, third)).isEmpty();
        assertThat(box.isIdle()).isTrue();
        assertThat(counters.sent.get()).isEqualTo(5);
        assertThat(counters.batches.get()).isEqualTo(3);
        assertThat(counters.queued.get()).isZero();
        assertThat(delivered(box, third)).as("an old acknowledgement changes nothing").isEmpty();
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
        assertThat(only(delivered(box, first)).stanzas).hasSize(3);
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
        Outbox.Batch next = only(delivered(box, inFlight));
        assertThat(waiting.get(30, TimeUnit.SECONDS).accepted()).isTrue();
        assertThat(bodies(next.stanzas)).containsExactly("1", "2");
        assertThat(bodies(only(delivered(box, next)).stanzas)).containsExactly("3");
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
        assertThat(bodies(only(failure.next()).stanzas)).containsExactly("1");
        assertThat(box.failed(first)).isNull();
        assertThat(delivered(box, first)).isEmpty();
        assertThat(counters.failed.get()).isEqualTo(1);
    }

    @Test
    void whileBatchesAreOnTheirWayOnlyFullBatchesTakeTheFreeSlotsAndAnAnswerCoversEveryBatchUpToItsNumber() throws Exception {
        Outbox box = outbox(100, 2, 1 << 20, 3);
        List<Outbox.Batch> sent = new java.util.ArrayList<>();
        for (int i = 0; i < 9; i++) {
            Outbox.Offer offer = box.offer(stanza(i), 0);
            if (offer.toSend() != null) {
                sent.add(offer.toSend());
            }
        }
        // the first stanza leaves at once; then a batch leaves whenever a full one waits, until 3 are on their way
        assertThat(sent).extracting(b -> bodies(b.stanzas)).containsExactly(List.of("0"), List.of("1", "2"), List.of("3", "4"));
        assertThat(sent).extracting(b -> b.seq).containsExactly(1L, 2L, 3L);
        assertThat(sent).extracting(b -> b.stream).containsOnly(sent.get(0).stream);

        // batch 3 arrived first and waits there for 1 and 2: its answer acknowledges nothing
        assertThat(box.acknowledged(sent.get(2).stream, 0)).isEmpty();
        assertThat(counters.sent.get()).isZero();
        // then the destination delivered 1, 2 and 3 at once: all three are done, and what waits leaves
        List<Outbox.Batch> next = box.acknowledged(sent.get(0).stream, 3);
        assertThat(next).extracting(b -> bodies(b.stanzas)).containsExactly(List.of("5", "6"), List.of("7", "8"));
        assertThat(next).extracting(b -> b.seq).containsExactly(4L, 5L);
        assertThat(counters.sent.get()).isEqualTo(5);
        assertThat(counters.batches.get()).isEqualTo(3);
        assertThat(counters.queued.get()).isEqualTo(4);
        assertThat(box.acknowledged(next.get(0).stream, 5)).isEmpty();
        assertThat(box.isIdle()).isTrue();
    }

    @Test
    void aFullBatchByBytesAlsoTakesAFreeSlot() throws Exception {
        Outbox box = outbox(100, 100, 1024, 2);
        assertThat(box.offer(new QueuedStanza("a@b/c", new byte[10]), 0).toSend()).isNotNull();
        assertThat(box.offer(new QueuedStanza("a@b/c", new byte[600]), 0).toSend()).isNull();
        Outbox.Batch second = box.offer(new QueuedStanza("a@b/c", new byte[600]), 0).toSend();
        assertThat(second).as("1,2xx bytes wait: more than a batch").isNotNull();
        assertThat(second.stanzas).hasSize(1);
    }

    @Test
    void aFailedBatchGivesUpEveryBatchInFlightInOrderAndTheNextOnesStartANewStream() throws Exception {
        Outbox box = outbox(100, 1, 1 << 20, 3);
        List<Outbox.Batch> sent = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) { // batches of 1: each is a full batch
            Outbox.Offer offer = box.offer(stanza(i), 0);
            if (offer.toSend() != null) {
                sent.add(offer.toSend());
            }
        }
        assertThat(sent).hasSize(3);

        Outbox.Failure failure = box.failed(sent.get(1));
        assertThat(bodies(failure.failed())).containsExactly("0", "1", "2");
        assertThat(failure.next()).extracting(b -> bodies(b.stanzas)).containsExactly(List.of("3"), List.of("4"));
        assertThat(failure.next()).extracting(b -> b.seq).containsExactly(1L, 2L);
        assertThat(failure.next().get(0).stream).isGreaterThan(sent.get(0).stream);
        assertThat(counters.failed.get()).isEqualTo(3);

        // late answers of the old stream change nothing
        assertThat(box.acknowledged(sent.get(0).stream, 3)).isEmpty();
        assertThat(box.failed(sent.get(2))).isNull();
        assertThat(counters.sent.get()).isZero();
        assertThat(box.acknowledged(failure.next().get(0).stream, 2)).isEmpty();
        assertThat(counters.sent.get()).isEqualTo(2);
        assertThat(box.isIdle()).isTrue();
    }
}
