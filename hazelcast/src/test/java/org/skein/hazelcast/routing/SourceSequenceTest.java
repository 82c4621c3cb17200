package org.skein.hazelcast.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SourceSequenceTest {

    private final SourceSequence<String> sequence = new SourceSequence<>();
    private final List<String> delivered = new CopyOnWriteArrayList<>();

    private long accept(long stream, long seq) {
        return sequence.accept(stream, seq, "s" + stream + "-" + seq, delivered::add);
    }

    @Test
    void batchesThatArriveEarlyWaitAndAreDeliveredInOrderByTheThreadOfTheMissingOne() {
        assertThat(accept(7, 3)).as("3 waits for 1 and 2").isZero();
        assertThat(accept(7, 2)).isZero();
        assertThat(delivered).isEmpty();
        assertThat(sequence.parked()).isEqualTo(2);

        assertThat(accept(7, 1)).as("1 is delivered, and 2 and 3 after it").isEqualTo(3);
        assertThat(delivered).containsExactly("s7-1", "s7-2", "s7-3");
        assertThat(sequence.parked()).isZero();

        assertThat(accept(7, 4)).isEqualTo(4);
        assertThat(accept(7, 2)).as("a repeat is not delivered again").isEqualTo(4);
        assertThat(delivered).containsExactly("s7-1", "s7-2", "s7-3", "s7-4");
    }

    @Test
    void aNewStreamDropsWhatTheGivenUpOneHadWaitingAndRefusesItsLateBatches() {
        accept(7, 1);
        assertThat(accept(7, 3)).isEqualTo(1); // 2 was lost: the sender gives stream 7 up
        assertThat(accept(8, 2)).as("the new stream's batches may arrive in any order too").isZero();
        assertThat(accept(8, 1)).isEqualTo(2);
        assertThat(accept(7, 2)).as("a late batch of the old stream").isEqualTo(SourceSequence.STALE);
        assertThat(delivered).containsExactly("s7-1", "s8-1", "s8-2");
    }

    @Test
    void aSequenceNumberOutOfAnyPlausibleRangeIsRefused() {
        assertThatThrownBy(() -> accept(1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> accept(1, SourceSequence.MAX_AHEAD + 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("while batch 1 is expected");
        assertThat(accept(1, 1)).isEqualTo(1);
    }

    @Test
    void batchesHandedInAtOnceFromManyThreadsInAnyOrderAreDeliveredOneAtATimeInOrder() throws Exception {
        int count = 2000;
        List<Long> seqs = new ArrayList<>(IntStream.rangeClosed(1, count).mapToObj(i -> (long) i).toList());
        // shuffled within windows of 8, as a sender with 8 batches in flight would have them arrive
        Random random = new Random(42);
        for (int i = 0; i < count; i += 8) {
            Collections.shuffle(seqs.subList(i, Math.min(count, i + 8)), random);
        }
        AtomicInteger inside = new AtomicInteger();
        List<Long> order = new CopyOnWriteArrayList<>();
        List<Integer> overlaps = new CopyOnWriteArrayList<>();
        SourceSequence<Long> shared = new SourceSequence<>();
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            long highest = 0;
            // a window of 8 at a time (the sender never has more in flight), each window's batches at once
            for (int i = 0; i < count; i += 8) {
                List<Future<Long>> answers = new ArrayList<>();
                for (long seq : seqs.subList(i, Math.min(count, i + 8))) {
                    answers.add(threads.submit(() -> shared.accept(1, seq, seq, batch -> {
                        int now = inside.incrementAndGet();
                        if (now > 1) {
                            overlaps.add(now);
                        }
                        order.add(batch);
                        inside.decrementAndGet();
                        return true;
                    })));
                }
                for (Future<Long> answer : answers) {
                    highest = Math.max(highest, answer.get(30, TimeUnit.SECONDS));
                }
            }
            assertThat(highest).isEqualTo(count);
        } finally {
            threads.shutdown();
            assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(order).containsExactlyElementsOf(IntStream.rangeClosed(1, count).mapToObj(i -> (long) i).toList());
        assertThat(overlaps).as("two threads delivered batches of one stream at once").isEmpty();
        assertThat(shared.parked()).isZero();
    }

    @Test
    void aBatchRefusedAsLateEndsItsStreamUntilTheSenderStartsANewOne() {
        assertThat(accept(4, 1)).isEqualTo(1);
        assertThat(accept(4, 3)).as("3 waits for 2").isEqualTo(1);
        assertThat(sequence.accept(4, 2, "s4-2", batch -> false)).isEqualTo(SourceSequence.LATE);
        assertThat(sequence.parked()).as("3 was dropped with it").isZero();
        assertThat(accept(4, 4)).as("a later batch of the ended stream").isEqualTo(SourceSequence.LATE);
        assertThat(accept(5, 1)).as("the sender's new stream").isEqualTo(1);
        assertThat(delivered).containsExactly("s4-1", "s5-1");
    }
}
