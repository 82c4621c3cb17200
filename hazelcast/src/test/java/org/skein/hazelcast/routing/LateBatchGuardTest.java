package org.skein.hazelcast.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * When a batch is too late to be delivered: its age on the sender's clock turned into this node's, and
 * this node's own pauses. The two nodes' monotonic clocks have nothing in common (the sender's reads
 * about 1000 s less than this node's).
 */
class LateBatchGuardTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long OFFSET = 1000 * SECOND;
    private static final long TIMEOUT = 30 * SECOND;
    private static final long SILENCE = 6 * SECOND;

    private final AtomicLong here = new AtomicLong(5_000 * SECOND);
    private final LateBatchGuard guard = new LateBatchGuard(here::get);

    /** The sender's clock now. */
    private long there() {
        return here.get() - OFFSET;
    }

    /** Lets time pass while this node runs (its pulse observes the clock every 100 ms). */
    private void run(long nanos) {
        for (long done = 0; done < nanos; done += TimeUnit.MILLISECONDS.toNanos(100)) {
            here.addAndGet(TimeUnit.MILLISECONDS.toNanos(100));
            guard.observe();
        }
    }

    private LateBatchGuard.Verdict judge(long sentAt) {
        return guard.judge("two/member-a", sentAt, TIMEOUT, SILENCE);
    }

    @Test
    void aBatchTakenSoonAfterItLeftIsOnTimeWhateverTheClocksRead() {
        assertThat(judge(there()).late()).isFalse();
        long sent = there();
        run(2 * SECOND); // a busy destination: two seconds on the way
        assertThat(judge(sent).late()).isFalse();
    }

    @Test
    void aBatchOlderThanTheSendersTimeoutLessTheMarginIsLate() {
        assertThat(judge(there()).late()).as("the first batch sets the clocks' offset").isFalse();
        long sent = there();
        run(26 * SECOND); // the margin is a quarter of the timeout, at most 5 s: late after 25 s
        LateBatchGuard.Verdict verdict = judge(sent);
        assertThat(verdict.late()).isTrue();
        assertThat(verdict.reason()).contains("gives up after 30000 ms");
    }

    @Test
    void aBatchSentBeforeThisNodeWasPausedForNearlyTheSilenceBoundIsLateButOneSentAfterIsNot() {
        judge(there());
        long before = there();
        here.addAndGet(10 * SECOND); // SIGSTOP for 10 s: no thread of this node looks at the clock
        LateBatchGuard.Verdict verdict = judge(before);
        assertThat(verdict.late()).as("the batch that waited in the socket while the node was frozen").isTrue();
        assertThat(verdict.reason()).contains("paused for 10000 ms");
        run(SECOND);
        assertThat(judge(there()).late()).as("a batch sent after the resume").isFalse();
    }

    @Test
    void aPauseShorterThanTheSilenceBoundLessItsMarginDoesNotMakeABatchLate() {
        judge(there());
        long before = there();
        here.addAndGet(4 * SECOND); // a long GC pause: the sender cannot have removed this node's member yet
        assertThat(judge(before).late()).isFalse();
    }

    @Test
    void theFirstBatchOfASenderTakenJustAfterALongPauseIsLateButOneOfAMemberThatCameLaterIsNot() {
        run(SECOND);
        here.addAndGet(10 * SECOND);
        guard.observe(); // the pulse saw the gap first
        assertThat(judge(there() - 9 * SECOND).late()).as("taken from the socket at the resume").isTrue();
        run(2 * SECOND);
        assertThat(guard.judge("three/member-c", there(), TIMEOUT, SILENCE).late())
                .as("the first batch of a member that joined after the resume").isFalse();
    }

    @Test
    void aBurstOfLateBatchesDoesNotMoveTheClocksOffset() {
        judge(there());
        long sent = there();
        here.addAndGet(10 * SECOND);
        for (int i = 0; i < 100; i++) {
            judge(sent);
        }
        run(SECOND);
        long fresh = there();
        run(2 * SECOND);
        assertThat(judge(fresh).late()).isFalse();
        long old = there();
        run(26 * SECOND);
        assertThat(judge(old).late()).as("ages are still read on the offset learnt before the burst").isTrue();
    }
}
