package org.skein.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.skein.config.ConfigException;
import org.skein.config.ServerConfig;

class TokenBucketTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final TokenBucket bucket = new TokenBucket(1000, 4000, now::get);

    @Test
    void aFullBucketLetsItsSizeThroughAtOnce() {
        assertThat(bucket.take(1500)).isZero();
        assertThat(bucket.take(2500)).isZero();
        assertThat(bucket.debtNanos()).isZero();
    }

    @Test
    void beyondItsSizeTheDebtIsPaidAtTheRate() {
        assertThat(bucket.take(4000)).isZero();
        assertThat(bucket.take(500)).isEqualTo(TimeUnit.MILLISECONDS.toNanos(500));
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(200));
        assertThat(bucket.debtNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(300));
        assertThat(bucket.debtNanos()).isZero();
    }

    @Test
    void oneTakeLargerThanTheBucketPassesAndIsPaidAfterwards() {
        assertThat(bucket.take(10_000)).isEqualTo(TimeUnit.SECONDS.toNanos(6));
    }

    @Test
    void aQuietSpellRefillsNoMoreThanTheSize() {
        bucket.take(4000);
        now.addAndGet(TimeUnit.HOURS.toNanos(1));
        assertThat(bucket.take(4000)).isZero();
        assertThat(bucket.take(1)).isPositive();
    }

    @Test
    void smallStepsOfTimeAddUp() {
        bucket.take(4000);
        for (int i = 0; i < 1000; i++) {
            now.addAndGet(TimeUnit.MICROSECONDS.toNanos(100)); // 0.1 byte each
        }
        assertThat(bucket.take(100)).isZero();
    }

    @Test
    void theLimitsComeFromTheConfigurationWithClearErrors() {
        assertThat(InboundLimits.from(ServerConfig.inMemory(Map.of()))).isEqualTo(InboundLimits.DEFAULT);
        assertThat(InboundLimits.from(ServerConfig.inMemory(Map.of("xmpp.c2s.inbound.rate", "-1"))).limited()).isFalse();
        assertThat(InboundLimits.from(ServerConfig.inMemory(Map.of("xmpp.c2s.inbound.rate", "64KiB", "xmpp.c2s.inbound.burst", "256KiB"))))
                .isEqualTo(new InboundLimits(64 * 1024, 256 * 1024));
        // a rate above the default burst raises the burst to one second of the rate
        assertThat(InboundLimits.from(ServerConfig.inMemory(Map.of("xmpp.c2s.inbound.rate", "8MiB"))).burstBytes())
                .isEqualTo(8 * 1024 * 1024);
        assertThatThrownBy(() -> InboundLimits.from(ServerConfig.inMemory(Map.of("xmpp.c2s.inbound.rate", "10"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("xmpp.c2s.inbound.rate").hasMessageContaining("1KiB");
        assertThatThrownBy(() -> InboundLimits.from(ServerConfig.inMemory(Map.of("xmpp.c2s.inbound.rate", "fast"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("xmpp.c2s.inbound.rate");
        assertThatThrownBy(() -> InboundLimits.from(ServerConfig.inMemory(Map.of("xmpp.c2s.inbound.burst", "0"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("xmpp.c2s.inbound.burst");
    }
}
