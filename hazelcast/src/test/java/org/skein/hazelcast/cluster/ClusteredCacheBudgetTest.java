package org.skein.hazelcast.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.skein.cache.Cache;

/** Budgets and lifetimes of clustered caches really bound them: eviction by size, expiry by time. */
class ClusteredCacheBudgetTest {

    @TempDir
    Path dir;

    private OneMemberNode member;

    @BeforeEach
    void join() throws Exception {
        member = new OneMemberNode(dir, Map.of(
                "cache.bounded.maxSize", "1MiB", "cache.bounded.maxLifetime", "-1",
                "cache.short.maxSize", "-1", "cache.short.maxLifetime", "1s",
                "cache.later.maxSize", "-1", "cache.later.maxLifetime", "-1"));
        assertThat(member.join()).isTrue();
    }

    @AfterEach
    void leave() throws Exception {
        member.close();
    }

    @Test
    void aCacheWithABudgetEvicts() {
        Cache<String, String> cache = member.node.cacheFactory().createCache("bounded");
        assertThat(cache.getMaxCacheSize()).isEqualTo(1024 * 1024);
        String kilobyte = "x".repeat(1024);
        int written = 4000;
        for (int i = 0; i < written; i++) {
            cache.put("key-" + i, kilobyte + i);
        }
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(cache.size()).isLessThan(written);
            assertThat(cache.getLongCacheSize()).isLessThan(2L * 1024 * 1024);
        });
    }

    @Test
    void aCacheWithALifetimeExpiresItsEntries() {
        Cache<String, String> cache = member.node.cacheFactory().createCache("short");
        assertThat(cache.getMaxLifetime()).isEqualTo(1000);
        cache.put("k", "v");
        await().atMost(Duration.ofSeconds(15)).until(() -> cache.get("k") == null);
    }

    @Test
    void aNewLifetimeAppliesToTheEntriesHeld() {
        Cache<String, String> cache = member.node.cacheFactory().createCache("later");
        cache.put("held", "v");
        cache.setMaxLifetime(1000);
        cache.put("written-after", "v");
        assertThat(cache.getMaxLifetime()).isEqualTo(1000);
        await().atMost(Duration.ofSeconds(15)).until(() -> cache.get("held") == null && cache.get("written-after") == null);
    }
}
