package org.skein.bench.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A smoke check that the benchmark's two-member setup still works; the benchmark itself runs on demand. */
class ClusteredCacheBenchmarkTest {

    @Test
    void everyOperationAnswersOnTwoMembers() throws Exception {
        ClusteredCacheBenchmark benchmark = new ClusteredCacheBenchmark();
        benchmark.setUp();
        try {
            assertThat(benchmark.members.first.clusterManager().getNodesInfo()).hasSize(2);
            for (int i = 0; i < 50; i++) {
                assertThat(benchmark.getRemoteCache()).isEqualTo(benchmark.value);
                assertThat(benchmark.getRemoteMap()).isEqualTo(benchmark.value);
                assertThat(benchmark.getLocalCache()).isEqualTo(benchmark.value);
                assertThat(benchmark.getLocalMap()).isEqualTo(benchmark.value);
                assertThat(benchmark.getNearCachedCache()).isEqualTo(benchmark.value);
                assertThat(benchmark.getNearCachedMap()).isEqualTo(benchmark.value);
                assertThat(benchmark.putRemoteCache()).isEqualTo(benchmark.value);
                assertThat(benchmark.putRemoteMap()).isEqualTo(benchmark.value);
                assertThat(benchmark.putLocalCache()).isEqualTo(benchmark.value);
                assertThat(benchmark.putLocalMap()).isEqualTo(benchmark.value);
            }
            assertThat(benchmark.nearMap.getLocalMapStats().getNearCacheStats().getHits()).isPositive();
        } finally {
            benchmark.tearDown();
        }
    }
}
