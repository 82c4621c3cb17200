package org.skein.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.skein.cluster.NodeID;
import org.skein.cache.testing.FakeTicker;

class LocalCacheTest {

    private static final NodeID NODE = NodeID.of("node-1");
    private static final long KIB = 1024;

    private final FakeTicker ticker = new FakeTicker();
    private final ExecutorService threads = Executors.newFixedThreadPool(2);

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    private LocalCache<String, String> cache(long maxSize, long maxLifetime) {
        return new LocalCache<>("test", new CacheSettings(maxSize, maxLifetime), NODE, ticker);
    }

    private static String kilobyte(int i) {
        return String.format("%04d", i) + "x".repeat(1020);
    }

    @Test
    void staysWithinItsByteBudget() {
        LocalCache<String, String> cache = cache(20 * KIB, -1);
        for (int i = 0; i < 200; i++) {
            cache.put("key-" + i, kilobyte(i));
        }
        assertThat(cache.getLongCacheSize()).isLessThanOrEqualTo(20 * KIB).isGreaterThan(10 * KIB);
        assertThat(cache.size()).isBetween(10, 20);
    }

    @Test
    void anUnlimitedCacheKeepsEverything() {
        LocalCache<String, String> cache = cache(-1, -1);
        for (int i = 0; i < 2000; i++) {
            cache.put("key-" + i, kilobyte(i));
        }
        assertThat(cache.size()).isEqualTo(2000);
        assertThat(cache.getLongCacheSize()).isGreaterThan(2000 * KIB);
    }

    @Test
    void entriesExpireAfterTheirLifetime() {
        LocalCache<String, String> cache = cache(-1, Duration.ofMinutes(1).toMillis());
        cache.put("a", "1");
        ticker.advance(Duration.ofSeconds(30));
        cache.put("b", "2");
        assertThat(cache.get("a")).isEqualTo("1");

        ticker.advance(Duration.ofSeconds(31));
        assertThat(cache.get("a")).isNull();
        assertThat(cache.get("b")).isEqualTo("2");

        ticker.advance(Duration.ofSeconds(30));
        assertThat(cache.get("b")).isNull();
        assertThat(cache.getLongCacheSize()).isZero();
    }

    @Test
    void countsHitsAndMisses() {
        LocalCache<String, String> cache = cache(-1, -1);
        cache.put("a", "1");
        cache.get("a");
        cache.get("a");
        cache.get("nothing");
        assertThat(cache.getCacheHits()).isEqualTo(2);
        assertThat(cache.getCacheMisses()).isEqualTo(1);
    }

    @Test
    void shrinkingTheBudgetAtRunTimeEvictsAtOnce() {
        LocalCache<String, String> cache = cache(1024 * KIB, -1);
        for (int i = 0; i < 100; i++) {
            cache.put("key-" + i, kilobyte(i));
        }
        assertThat(cache.size()).isEqualTo(100);

        cache.setMaxCacheSize(10 * KIB);
        assertThat(cache.getMaxCacheSize()).isEqualTo(10 * KIB);
        assertThat(cache.getLongCacheSize()).isLessThanOrEqualTo(10 * KIB);

        cache.setMaxCacheSize(-1);
        for (int i = 0; i < 100; i++) {
            cache.put("key-" + i, kilobyte(i));
        }
        assertThat(cache.size()).isEqualTo(100);
    }

    @Test
    void changingTheLifetimeAtRunTimeAppliesToHeldEntries() {
        LocalCache<String, String> cache = cache(-1, Duration.ofHours(6).toMillis());
        cache.put("old", "1");
        ticker.advance(Duration.ofHours(2));
        cache.put("new", "2");

        cache.setMaxLifetime(Duration.ofHours(1).toMillis());
        assertThat(cache.get("old")).isNull();
        assertThat(cache.get("new")).isEqualTo("2");

        cache.setMaxLifetime(-1);
        ticker.advance(Duration.ofDays(365));
        assertThat(cache.get("new")).isEqualTo("2");
    }

    @Test
    void anUnlimitedEternalCacheHasNoPoliciesAndItsWrapperRebuildsItForABound() {
        LocalCache<String, String> unbounded = cache(-1, -1);
        assertThat(unbounded.canApply(new CacheSettings(10 * KIB, -1))).isFalse();
        assertThat(unbounded.canApply(new CacheSettings(-1, 1000))).isFalse();
        assertThatThrownBy(() -> unbounded.setMaxCacheSize(10 * KIB)).isInstanceOf(UnsupportedOperationException.class);

        CacheWrapper<String, String> cache = new CacheWrapper<>(unbounded, new LocalCacheStorage(NODE, ticker), false);
        for (int i = 0; i < 100; i++) {
            cache.put("key-" + i, kilobyte(i));
        }
        assertThat(cache.getLongCacheSize()).isGreaterThan(100 * KIB);

        cache.setMaxCacheSize(10 * KIB);
        assertThat(cache.getDelegate()).isNotSameAs(unbounded);
        assertThat(cache.getMaxCacheSize()).isEqualTo(10 * KIB);
        assertThat(cache.getLongCacheSize()).isLessThanOrEqualTo(10 * KIB).isPositive();

        cache.setMaxLifetime(Duration.ofHours(1).toMillis());
        assertThat(cache.getMaxLifetime()).isEqualTo(Duration.ofHours(1).toMillis());
        assertThat(cache.size()).isPositive();
        ticker.advance(Duration.ofMinutes(59));
        assertThat(cache.size()).isPositive();
        ticker.advance(Duration.ofMinutes(2));
        assertThat(cache.getLongCacheSize()).isZero();
    }

    @Test
    void rejectsNullsAndBadSettings() {
        LocalCache<String, String> cache = cache(-1, -1);
        assertThatThrownBy(() -> cache.put(null, "v")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> cache.put("k", null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> cache.setMaxCacheSize(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> cache.setMaxLifetime(-5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void viewsAreReadOnly() {
        LocalCache<String, String> cache = cache(-1, -1);
        cache.put("a", "1");
        assertThatThrownBy(() -> cache.keySet().remove("a")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> cache.values().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThat(cache).containsEntry("a", "1");
    }

    @Test
    void listenersHearOfLocalChangesAndEvictions() {
        LocalCache<String, String> cache = cache(4 * KIB, Duration.ofMinutes(1).toMillis());
        List<String> events = new ArrayList<>();
        CacheEntryListener<String, String> listener = new CacheEntryListener<>() {
            @Override
            public void entryAdded(String key, String value, NodeID origin) {
                events.add("added " + key + "=" + value + " from " + origin);
            }

            @Override
            public void entryUpdated(String key, String oldValue, String newValue, NodeID origin) {
                events.add("updated " + key + " " + oldValue + "->" + newValue);
            }

            @Override
            public void entryRemoved(String key, String oldValue, NodeID origin) {
                events.add("removed " + key + "=" + oldValue);
            }

            @Override
            public void entryEvicted(String key, String oldValue, NodeID origin) {
                events.add("evicted " + key);
            }

            @Override
            public void mapCleared(NodeID origin) {
                events.add("cleared");
            }
        };
        String ignoredId = cache.addCacheEntryListener(new CacheEntryListener<>() {
            @Override
            public void entryAdded(String key, String value, NodeID origin) {
                events.add("must not be told: local changes excluded");
            }
        }, true, false);
        String id = cache.addCacheEntryListener(listener, true, true);

        cache.put("a", "1");
        cache.put("a", "2");
        cache.compute("a", (k, v) -> v + "3");
        cache.merge("b", "x", (o, n) -> o + n);
        cache.remove("a");
        cache.clear();
        cache.put("c", "1");
        ticker.advance(Duration.ofMinutes(2));
        cache.get("c");
        cache.removeCacheEntryListener(id);
        cache.removeCacheEntryListener(ignoredId);
        cache.put("d", "1");

        assertThat(events).containsExactly(
                "added a=1 from node-1", "updated a 1->2", "updated a 2->23", "added b=x from node-1",
                "removed a=23", "cleared", "added c=1 from node-1", "evicted c");
    }

    @Test
    void aKeyLockExcludesOtherThreadsAndLeavesNothingBehind() throws Exception {
        LocalCache<String, String> cache = cache(-1, -1);
        Lock lock = cache.getLock("k");
        lock.lock();
        try {
            Future<Boolean> other = threads.submit(() -> cache.getLock("k").tryLock());
            assertThat(other.get(10, TimeUnit.SECONDS)).isFalse();
            Future<Boolean> otherKey = threads.submit(() -> {
                Lock l = cache.getLock("other");
                boolean locked = l.tryLock();
                l.unlock();
                return locked;
            });
            assertThat(otherKey.get(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            lock.unlock();
        }
        Future<?> lockedAndReleased = threads.submit(() -> {
            Lock l = cache.getLock("k");
            l.lock();
            l.unlock();
        });
        lockedAndReleased.get(10, TimeUnit.SECONDS);
        assertThat(cache.activeLockCount()).isZero();
    }

    @Test
    void unlockingALockNotHeldFails() {
        LocalCache<String, String> cache = cache(-1, -1);
        assertThatThrownBy(() -> cache.getLock("k").unlock()).isInstanceOf(IllegalMonitorStateException.class);
    }
}
