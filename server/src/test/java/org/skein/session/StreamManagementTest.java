package org.skein.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The counters and queue of XEP-0198: acknowledgements drop what they count, counts wrap at 2^32, a count too high is refused. */
class StreamManagementTest {

    private static StreamManagement sm() {
        return new StreamManagement("id", true, Duration.ofMinutes(5), 3);
    }

    @Test
    void anAcknowledgementDropsWhatItCountsAndKeepsTheRestInOrder() {
        StreamManagement sm = sm();
        sm.sent("<a1/>");
        sm.sent("<a2/>");
        sm.sent("<a3/>");
        assertThat(sm.outbound()).isEqualTo(3);
        assertThat(sm.acknowledge(1)).isTrue();
        assertThat(sm.unacknowledged()).containsExactly("<a2/>", "<a3/>");
        assertThat(sm.acknowledge(1)).as("the same count again changes nothing").isTrue();
        assertThat(sm.unacknowledged()).containsExactly("<a2/>", "<a3/>");
        assertThat(sm.acknowledge(4)).as("more than was sent").isFalse();
        assertThat(sm.unacknowledged()).containsExactly("<a2/>", "<a3/>");
        assertThat(sm.drain()).containsExactly("<a2/>", "<a3/>");
        assertThat(sm.outbound()).isEqualTo(3);
    }

    @Test
    void countsWrapAtTwoToTheThirtyTwo() {
        long last = (1L << 32) - 1;
        StreamManagement sm = new StreamManagement("id", true, Duration.ofMinutes(5), 10, last - 1);
        sm.sent("<s1/>");
        sm.sent("<s2/>");
        sm.sent("<s3/>");
        assertThat(sm.outbound()).as("2^32 - 2 + 3, mod 2^32").isEqualTo(1);
        assertThat(sm.acknowledge(0)).as("h = 0: the client has 2^32 stanzas").isTrue();
        assertThat(sm.unacknowledged()).containsExactly("<s3/>");
        assertThat(sm.acknowledge(2)).as("beyond what was sent, across the wrap").isFalse();
        assertThat(sm.acknowledge(1)).isTrue();
        assertThat(sm.unacknowledged()).isEmpty();
        assertThat(StreamManagement.parseCount(String.valueOf(last))).isEqualTo(last);
        assertThatThrownBy(() -> StreamManagement.parseCount("4294967296")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StreamManagement.parseCount("-1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StreamManagement.parseCount("x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theQueueSaysWhenItIsOverItsLimit() {
        StreamManagement sm = sm();
        assertThat(sm.sent("1")).isFalse();
        assertThat(sm.sent("2")).isFalse();
        assertThat(sm.sent("3")).isFalse();
        assertThat(sm.sent("4")).isTrue();
        assertThat(sm.requestAck()).isTrue();
        assertThat(sm.requestAck()).as("one request at a time").isFalse();
        sm.acknowledge(4);
        assertThat(sm.requestAck()).isTrue();
    }
}
