package org.skein.cache.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.skein.cache.Cache;
import org.skein.cache.CacheEntryListener;
import org.skein.cluster.NodeID;

/**
 * The contract every {@link Cache} implementation keeps, run against each of them: the local cache,
 * a cache after its move into a cluster, clustered caches on one and on several nodes. A subclass says
 * how to make a fresh, empty cache; names are unique per test so clustered storage never carries over.
 *
 * <p>Conditional writes and the compute family are checked from several threads at once (half of them
 * on the other node's handle where there is one). Budget and lifetime changes are checked through what
 * happens to the entries (eviction, expiry), as the cache's {@link Cache#policy()} announces, not by
 * reading the getters back. After each test an invariant check runs on every cache the test made: its
 * size, keys, values and entries agree, and a budget that applies at once is kept.
 */
public abstract class AbstractCacheContractTest {

    /** How long a test waits for another node, eviction or expiry: generous, the machine may be loaded. */
    protected static final Duration SETTLE = Duration.ofSeconds(60);
    private static final int THREADS = 4;

    private final ExecutorService threads = Executors.newFixedThreadPool(THREADS);
    private final List<Cache<String, String>> made = new ArrayList<>();

    /** A new, empty cache with an unlimited budget and lifetime. */
    protected abstract Cache<String, String> newCache(String name);

    /** The same cache as seen from another node, or from this node when there is only one. */
    protected Cache<String, String> sameCacheElsewhere(Cache<String, String> cache) {
        return cache;
    }

    /**
     * Lets time pass for the caches' lifetimes: a cache on a test ticker advances it; a cache on the
     * real clock needs nothing (the tests then wait for the condition).
     */
    protected void letTimePass(Duration duration) {
    }

    private Cache<String, String> cache() {
        Cache<String, String> cache = newCache("contract-" + UUID.randomUUID());
        made.add(cache);
        return cache;
    }

    @AfterEach
    void checkInvariantsAndStop() throws InterruptedException {
        threads.shutdownNow();
        threads.awaitTermination(30, TimeUnit.SECONDS);
        for (Cache<String, String> cache : made) {
            invariants(cache);
        }
        made.clear();
    }

    /** Size, keys, values and entries agree; every key reads its value; a budget that applies at once is kept. */
    private static void invariants(Cache<String, String> cache) {
        Set<String> keys = new HashSet<>(cache.keySet());
        List<String> values = new ArrayList<>(cache.values());
        Set<Map.Entry<String, String>> entries = Set.copyOf(cache.entrySet());
        assertThat(cache.size()).as("size of %s", cache.getName()).isEqualTo(keys.size());
        assertThat(values).as("values of %s", cache.getName()).hasSize(keys.size()).doesNotContainNull();
        assertThat(entries).as("entries of %s", cache.getName()).hasSize(keys.size());
        for (Map.Entry<String, String> entry : entries) {
            assertThat(keys).contains(entry.getKey());
            assertThat(cache.get(entry.getKey())).as("%s in %s", entry.getKey(), cache.getName()).isEqualTo(entry.getValue());
        }
        assertThat(cache.getLongCacheSize()).isNotNegative();
        assertThat(cache.isEmpty()).isEqualTo(keys.isEmpty());
        long budget = cache.getMaxCacheSize();
        if (budget > 0 && cache.policy().budgetChangesApplyAtOnce()) {
            await().atMost(SETTLE).until(() -> cache.getLongCacheSize() <= budget);
        }
    }

    private <T> List<T> onThreads(int count, Callable<T> work) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<T>> futures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            futures.add(threads.submit(() -> {
                go.await();
                return work.call();
            }));
        }
        go.countDown();
        List<T> results = new ArrayList<>();
        for (Future<T> future : futures) {
            results.add(future.get(2, TimeUnit.MINUTES));
        }
        return results;
    }

    /** This node's handle for even threads, the other node's for odd ones. */
    private Cache<String, String> handle(Cache<String, String> cache, int thread) {
        return thread % 2 == 0 ? cache : sameCacheElsewhere(cache);
    }

    @Test
    void putGetAndRemove() {
        Cache<String, String> cache = cache();
        assertThat(cache.put("a", "1")).isNull();
        assertThat(cache.put("a", "2")).isEqualTo("1");
        assertThat(cache.get("a")).isEqualTo("2");
        assertThat(sameCacheElsewhere(cache).get("a")).isEqualTo("2");
        assertThat(cache.containsKey("a")).isTrue();
        assertThat(cache.size()).isEqualTo(1);
        assertThat(cache.remove("a")).isEqualTo("2");
        assertThat(cache.get("a")).isNull();
        assertThat(cache.isEmpty()).isTrue();
    }

    @Test
    void getLatestSeesTheLastWriteFromAnyNode() {
        Cache<String, String> cache = cache();
        Cache<String, String> elsewhere = sameCacheElsewhere(cache);
        assertThat(elsewhere.getLatest("k")).isNull();
        cache.put("k", "1");
        assertThat(elsewhere.get("k")).isEqualTo("1");
        cache.put("k", "2");
        assertThat(elsewhere.getLatest("k")).isEqualTo("2");
        cache.remove("k");
        assertThat(elsewhere.getLatest("k")).isNull();
    }

    @Test
    void conditionalWrites() {
        Cache<String, String> cache = cache();
        assertThat(cache.putIfAbsent("k", "first")).isNull();
        assertThat(cache.putIfAbsent("k", "second")).isEqualTo("first");
        assertThat(cache.replace("k", "wrong", "x")).isFalse();
        assertThat(cache.replace("k", "first", "third")).isTrue();
        assertThat(cache.replace("k", "fourth")).isEqualTo("third");
        assertThat(cache.replace("absent", "x")).isNull();
        assertThat(cache.remove("k", "wrong")).isFalse();
        assertThat(cache.remove("k", "fourth")).isTrue();
        assertThat(cache).isEmpty();
    }

    @Test
    void conditionalWritesFromSeveralThreadsAreAtomic() throws Exception {
        Cache<String, String> cache = cache();
        int rounds = 50;
        AtomicInteger thread = new AtomicInteger();
        // each round: every thread tries to claim the same fresh key; exactly one may win it
        List<Integer> wins = onThreads(THREADS, () -> {
            Cache<String, String> mine = handle(cache, thread.getAndIncrement());
            int won = 0;
            for (int round = 0; round < rounds; round++) {
                if (mine.putIfAbsent("claim-" + round, Thread.currentThread().getName()) == null) {
                    won++;
                }
            }
            return won;
        });
        assertThat(wins.stream().mapToInt(Integer::intValue).sum()).isEqualTo(rounds);

        // a counter incremented by compare-and-set: no increment is lost
        cache.put("counter", "0");
        AtomicInteger second = new AtomicInteger();
        onThreads(THREADS, () -> {
            Cache<String, String> mine = handle(cache, second.getAndIncrement());
            for (int i = 0; i < rounds; i++) {
                while (true) {
                    String now = mine.get("counter");
                    if (mine.replace("counter", now, Integer.toString(Integer.parseInt(now) + 1))) {
                        break;
                    }
                }
            }
            return null;
        });
        assertThat(cache.get("counter")).isEqualTo(Integer.toString(THREADS * rounds));

        // a value removed by value: exactly one remover succeeds
        cache.put("once", "v");
        AtomicInteger third = new AtomicInteger();
        List<Boolean> removed = onThreads(THREADS, () -> handle(cache, third.getAndIncrement()).remove("once", "v"));
        assertThat(removed).containsOnlyOnce(true);
    }

    @Test
    void computeFamily() {
        Cache<String, String> cache = cache();
        assertThat(cache.computeIfAbsent("k", key -> key + "-made")).isEqualTo("k-made");
        assertThat(cache.computeIfAbsent("k", key -> "never")).isEqualTo("k-made");
        assertThat(cache.computeIfPresent("k", (key, v) -> v + "+1")).isEqualTo("k-made+1");
        assertThat(cache.compute("k", (key, v) -> null)).isNull();
        assertThat(cache.containsKey("k")).isFalse();
        assertThat(cache.merge("m", "a", String::concat)).isEqualTo("a");
        assertThat(cache.merge("m", "b", String::concat)).isEqualTo("ab");
    }

    @Test
    void theComputeFamilyIsAtomicUnderContention() throws Exception {
        Cache<String, String> cache = cache();
        int rounds = 50;
        AtomicInteger thread = new AtomicInteger();
        onThreads(THREADS, () -> {
            int me = thread.getAndIncrement();
            Cache<String, String> mine = handle(cache, me);
            for (int i = 0; i < rounds; i++) {
                mine.merge("merged", "x", String::concat);
                mine.compute("computed", (key, old) -> old == null ? "y" : old + "y");
                mine.computeIfPresent("present", (key, old) -> old + "z");
                mine.computeIfAbsent("absent-" + i, key -> Integer.toString(me));
            }
            return null;
        });
        assertThat(cache.get("merged")).hasSize(THREADS * rounds);
        assertThat(cache.get("computed")).hasSize(THREADS * rounds);
        assertThat(cache.containsKey("present")).isFalse();
        for (int i = 0; i < rounds; i++) {
            assertThat(cache.get("absent-" + i)).as("absent-%d", i).isIn("0", "1", "2", "3");
        }
    }

    @Test
    void bulkOperationsAndViews() {
        Cache<String, String> cache = cache();
        cache.putAll(Map.of("a", "1", "b", "2", "c", "3"));
        assertThat(cache.keySet()).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(cache.values()).containsExactlyInAnyOrder("1", "2", "3");
        assertThat(cache.entrySet()).hasSize(3);
        assertThat(cache.containsValue("2")).isTrue();
        assertThatThrownBy(() -> cache.keySet().remove("a")).isInstanceOf(UnsupportedOperationException.class);
        cache.clear();
        assertThat(cache).isEmpty();
        assertThat(sameCacheElsewhere(cache)).isEmpty();
    }

    @Test
    void nullsAreRejected() {
        Cache<String, String> cache = cache();
        assertThatThrownBy(() -> cache.put(null, "v")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> cache.put("k", null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void hitsAndMissesAreCounted() {
        Cache<String, String> cache = cache();
        cache.put("a", "1");
        cache.get("a");
        cache.get("missing");
        assertThat(cache.getCacheHits()).isGreaterThanOrEqualTo(1);
        assertThat(cache.getCacheMisses()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aLowerBudgetEvictsAtOnceWhereThePolicySaysSoAndIsKeptOtherwise() {
        Cache<String, String> cache = cache();
        String kilobyte = "x".repeat(1024);
        int written = 100;
        for (int i = 0; i < written; i++) {
            cache.put("key-" + i, kilobyte + i);
        }
        long budget = 16 * 1024;
        cache.setMaxCacheSize(budget);
        if (cache.policy().budgetChangesApplyAtOnce()) {
            await().atMost(SETTLE).untilAsserted(() -> {
                assertThat(cache.getLongCacheSize()).isLessThanOrEqualTo(budget);
                assertThat(cache.size()).isLessThan(written).isPositive();
            });
            cache.put("after", kilobyte);
            await().atMost(SETTLE).until(() -> cache.getLongCacheSize() <= budget);
        } else {
            // recorded for the next start of the cluster's storage; what is held now stays
            assertThat(cache.size()).isEqualTo(written);
        }
        assertThat(cache.getMaxCacheSize()).isEqualTo(budget);
        cache.setMaxCacheSize(-1);
    }

    @Test
    void aShorterLifetimeExpiresTheEntriesHeldWhereThePolicySaysSo() {
        Cache<String, String> cache = cache();
        cache.put("held", "before the change");
        cache.setMaxLifetime(Duration.ofSeconds(2).toMillis());
        cache.put("written", "after the change");
        if (!cache.policy().lifetimeChangesApplyAtOnce()) {
            assertThat(cache).containsKeys("held", "written");
            return;
        }
        letTimePass(Duration.ofSeconds(3));
        await().atMost(SETTLE).until(() -> cache.get("held") == null && cache.get("written") == null);
        assertThat(sameCacheElsewhere(cache).get("held")).isNull();

        cache.setMaxLifetime(-1);
        cache.put("kept", "forever");
        letTimePass(Duration.ofSeconds(3));
        assertThat(cache.get("kept")).isEqualTo("forever");
    }

    @Test
    void aKeyLockExcludesOtherThreads() throws Exception {
        Cache<String, String> cache = cache();
        Lock lock = cache.getLock("k");
        lock.lock();
        try {
            Future<Boolean> other = threads.submit(() -> sameCacheElsewhere(cache).getLock("k").tryLock());
            assertThat(other.get(30, TimeUnit.SECONDS)).isFalse();
        } finally {
            lock.unlock();
        }
        Future<Boolean> after = threads.submit(() -> {
            Lock l = sameCacheElsewhere(cache).getLock("k");
            boolean locked = l.tryLock(10, TimeUnit.SECONDS);
            if (locked) {
                l.unlock();
            }
            return locked;
        });
        assertThat(after.get(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void listenersHearOfEveryChangeWithTheOrigin() {
        Cache<String, String> cache = cache();
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        String id = cache.addCacheEntryListener(new CacheEntryListener<>() {
            @Override
            public void entryAdded(String key, String newValue, NodeID origin) {
                events.add("added " + key + "=" + newValue + (origin == null ? " (no origin)" : ""));
            }

            @Override
            public void entryUpdated(String key, String oldValue, String newValue, NodeID origin) {
                events.add("updated " + key + "=" + newValue);
            }

            @Override
            public void entryRemoved(String key, String oldValue, NodeID origin) {
                events.add("removed " + key);
            }
        }, true, true);
        cache.put("a", "1");
        await().atMost(SETTLE).until(() -> events.size() == 1);
        cache.put("a", "2");
        await().atMost(SETTLE).until(() -> events.size() == 2);
        cache.remove("a");
        await().atMost(SETTLE).until(() -> events.size() == 3);
        assertThat(events).containsExactly("added a=1", "updated a=2", "removed a");

        for (int i = 0; i < 20; i++) {
            sameCacheElsewhere(cache).put("from-elsewhere-" + i, "v");
        }
        await().atMost(SETTLE).until(() -> events.size() == 23);
        assertThat(events.subList(3, 23)).allMatch(e -> e.startsWith("added from-elsewhere-"));

        cache.removeCacheEntryListener(id);
        cache.put("b", "1");
        cache.put("c", "1");
        assertThat(sameCacheElsewhere(cache).get("c")).isEqualTo("1");
        assertThat(events).hasSize(23);
    }
}
