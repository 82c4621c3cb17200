package org.skein.bench.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A smoke check that the benchmark's setup still works; the benchmark itself runs on demand. */
class LocalCacheBenchmarkTest {

    @Test
    void everyCacheUnderTestHoldsTheKeySpaceAndAnswersBothWorkloads() {
        for (String kind : List.of("skein", "caffeine", "skeinBudget", "skeinUnbounded", "caffeineUnbounded", "syncLru")) {
            LocalCacheBenchmark benchmark = new LocalCacheBenchmark();
            benchmark.cache = kind;
            benchmark.setUp();
            LocalCacheBenchmark.Cursor cursor = new LocalCacheBenchmark.Cursor();
            int hits = 0;
            for (int i = 0; i < LocalCacheBenchmark.KEYS; i++) {
                if (benchmark.getHeavy(cursor) != null) {
                    hits++;
                }
                benchmark.mixed(cursor);
            }
            assertThat(hits).as(kind).isEqualTo(LocalCacheBenchmark.KEYS);
            assertThat(benchmark.map).as(kind).hasSize(LocalCacheBenchmark.KEYS);
        }
    }
}
