package org.skein.hazelcast.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.skein.testing.ManualClock;
import org.slf4j.LoggerFactory;

class RateLimitedLogTest {

    private final ManualClock clock = new ManualClock(Instant.parse("2026-12-03T21:00:00Z"));
    private final Logger logger = (Logger) LoggerFactory.getLogger("test.rate-limited." + System.nanoTime());
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private RateLimitedLog log;

    @BeforeEach
    void capture() {
        appender.start();
        logger.addAppender(appender);
        log = new RateLimitedLog(logger, 3, Duration.ofMinutes(1), clock);
    }

    @AfterEach
    void detach() {
        logger.detachAppender(appender);
        appender.stop();
    }

    private List<String> lines() {
        return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void aFloodCostsTheBurstThenOneSummaryPerInterval() {
        for (int i = 0; i < 100_000; i++) {
            log.warn("unreadable-batch", "bad batch {} from node-2", i);
        }
        assertThat(lines()).containsExactly("bad batch 0 from node-2", "bad batch 1 from node-2", "bad batch 2 from node-2");
        assertThat(log.suppressed("unreadable-batch")).isEqualTo(99_997);

        clock.advance(Duration.ofSeconds(61));
        log.warn("unreadable-batch", "bad batch {} from node-2", "next");

        assertThat(lines()).hasSize(5);
        assertThat(lines().get(3)).contains("99997 more warning(s) of kind 'unreadable-batch'").contains("last 60 s");
        assertThat(lines().get(4)).isEqualTo("bad batch next from node-2");
        assertThat(log.suppressed("unreadable-batch")).isZero();
    }

    @Test
    void kindsHaveTheirOwnBudget() {
        for (int i = 0; i < 10; i++) {
            log.warn("unreadable-batch", "batch {}", i);
            log.warn("refused-class", "class {}", i);
        }
        assertThat(lines()).filteredOn(line -> line.startsWith("batch")).hasSize(3);
        assertThat(lines()).filteredOn(line -> line.startsWith("class")).hasSize(3);
    }

    @Test
    void aFloodThatStoppedIsSummedUpByAFlush() {
        for (int i = 0; i < 5; i++) {
            log.warn("refused-class", "class {}", i);
        }
        log.flushSummaries();
        assertThat(lines()).hasSize(3); // the interval is not over: nothing to sum up yet

        clock.advance(Duration.ofMinutes(1));
        log.flushSummaries();
        log.flushSummaries();

        assertThat(lines()).hasSize(4);
        assertThat(lines().get(3)).startsWith("2 more warning(s) of kind 'refused-class'");
    }

    @Test
    void quietIntervalsLogNoSummary() {
        log.warn("refused-class", "class {}", 1);
        clock.advance(Duration.ofMinutes(5));
        log.warn("refused-class", "class {}", 2);
        assertThat(lines()).containsExactly("class 1", "class 2");
    }

    @Test
    void manyKindsShareOneBudgetBeyondTheLimit() {
        for (int i = 0; i < RateLimitedLog.MAX_KINDS + 50; i++) {
            log.warn("kind-" + i, "kind {}", i);
        }
        assertThat(lines()).hasSize(RateLimitedLog.MAX_KINDS + 3);
        assertThat(log.suppressed(RateLimitedLog.OTHER)).isEqualTo(47);
    }

    @Test
    void refusesNonsenseLimits() {
        assertThatThrownBy(() -> new RateLimitedLog(logger, 0, Duration.ofMinutes(1), clock))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("burst");
        assertThatThrownBy(() -> new RateLimitedLog(logger, 1, Duration.ZERO, clock))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("interval");
    }
}
