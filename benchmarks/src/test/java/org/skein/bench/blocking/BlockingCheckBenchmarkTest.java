package org.skein.bench.blocking;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.skein.blocking.BlockingPolicy;

/** A smoke check that the benchmark's setup still works and its checks find blocks; the benchmark runs on demand. */
class BlockingCheckBenchmarkTest {

    @Test
    void everyListIsCachedAndSomePairsAreBlocked() throws Exception {
        for (String cache : List.of("shipped", "unbounded")) {
            BlockingCheckBenchmark benchmark = new BlockingCheckBenchmark();
            benchmark.cache = cache;
            benchmark.setUp();
            Set<BlockingPolicy.Verdict> seen = EnumSet.noneOf(BlockingPolicy.Verdict.class);
            for (int i = 0; i < 4 * BlockingCheckBenchmark.USERS; i++) {
                seen.add(benchmark.check());
                assertThat(benchmark.blockList()).isNotNull();
                benchmark.routesOf();
            }
            assertThat(seen).as(cache).contains(BlockingPolicy.Verdict.ALLOWED, BlockingPolicy.Verdict.BLOCKED_BY_SENDER,
                    BlockingPolicy.Verdict.BLOCKED_BY_RECIPIENT);
        }
    }
}
