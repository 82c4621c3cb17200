package org.skein.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.skein.cluster.NodeID;
import org.skein.testing.FakeTicker;

class CacheWrapperSwapTest {

    private static final NodeID NODE = NodeID.of("node-1");
    private static final int WRITES_PER_THREAD = 50_000;

    private final ExecutorService writers = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        writers.shutdownNow();
    }

    private static <K, V> LocalCache<K, V> local() {
        return new LocalCache<>("swapped", CacheSettings.UNLIMITED, NODE, new FakeTicker());
    }

    @Test
    void noWriteIsLostWhileTheStorageIsSwappedUnderConcurrentWriters() throws Exception {
        CacheWrapper<String, Integer> cache = new CacheWrapper<>(local(), false);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            int thread = t;
            done.add(writers.submit(() -> {
                go.await();
                for (int i = 0; i < WRITES_PER_THREAD; i++) {
                    cache.put("t" + thread + "-" + i, i);
                    cache.merge("counter", 1, Integer::sum);
                    if (i % 3 == 0) {
                        cache.remove("t" + thread + "-" + (i / 2));
                        cache.put("t" + thread + "-" + (i / 2), i / 2);
                    }
                }
                return null;
            }));
        }
        go.countDown();
        int swaps = 0;
        while (swaps < 20 || !done.stream().allMatch(Future::isDone)) {
            LocalCache<String, Integer> next = local();
            Cache<String, Integer> old = cache.swap(next, true);
            assertThat(old).isNotSameAs(next);
            swaps++;
        }
        for (Future<?> f : done) {
            f.get(1, TimeUnit.MINUTES);
        }

        assertThat(swaps).isGreaterThanOrEqualTo(20);
        assertThat(cache.get("counter")).isEqualTo(2 * WRITES_PER_THREAD);
        assertThat(cache.size()).isEqualTo(2 * WRITES_PER_THREAD + 1);
        for (int t = 0; t < 2; t++) {
            for (int i = 0; i < WRITES_PER_THREAD; i++) {
                assertThat(cache.get("t" + t + "-" + i)).as("t%d-%d", t, i).isEqualTo(i);
            }
        }
    }

    @Test
    void listenersFollowTheSwap() {
        CacheWrapper<String, String> cache = new CacheWrapper<>(local(), false);
        List<String> added = new ArrayList<>();
        cache.addCacheEntryListener(new CacheEntryListener<>() {
            @Override
            public void entryAdded(String key, String value, NodeID origin) {
                added.add(key);
            }
        }, false, true);
        cache.put("before", "1");
        Cache<String, String> old = cache.swap(local(), true);
        cache.put("after", "2");
        old.put("on-the-old-storage", "3");

        assertThat(added).containsExactly("before", "after");
    }

    @Test
    void aLockTakenBeforeASwapIsReleasedOnTheStorageItWasTakenOn() throws Exception {
        CacheWrapper<String, String> cache = new CacheWrapper<>(local(), false);
        LocalCache<String, String> first = (LocalCache<String, String>) cache.getDelegate();
        Lock lock = cache.getLock("k");
        lock.lock();
        cache.swap(local(), true);
        lock.unlock();
        assertThat(first.activeLockCount()).isZero();
        Future<Boolean> other = writers.submit(() -> {
            Lock l = cache.getLock("k");
            boolean locked = l.tryLock();
            if (locked) {
                l.unlock();
            }
            return locked;
        });
        assertThat(other.get(10, TimeUnit.SECONDS)).isTrue();
    }
}
