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
import org.skein.cache.testing.FakeTicker;
import org.skein.cluster.NodeID;

/**
 * A cache moved between storages while it is in use: the content is copied while writers go on, the
 * keys they write meanwhile are copied again under the swap, so no write is lost; listeners and locks
 * follow.
 */
class CacheWrapperSwapTest {

    private static final NodeID NODE = NodeID.of("node-1");
    private static final int WRITES_PER_THREAD = 50_000;

    private final ExecutorService writers = Executors.newFixedThreadPool(2);
    private final CacheStorage first = new LocalCacheStorage(NODE, new FakeTicker());
    private final CacheStorage second = new LocalCacheStorage(NODE, new FakeTicker());

    @AfterEach
    void stop() {
        writers.shutdownNow();
    }

    private <K, V> CacheWrapper<K, V> wrapper() {
        return new CacheWrapper<>(first.createCache("moved", CacheSettings.UNLIMITED), first, false);
    }

    @Test
    void noWriteIsLostWhileTheCacheMovesUnderConcurrentWriters() throws Exception {
        CacheWrapper<String, Integer> cache = wrapper();
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
                    if (i % 1000 == 0) {
                        cache.put("gone-" + thread, i);
                        cache.remove("gone-" + thread);
                    }
                }
                return null;
            }));
        }
        go.countDown();
        int moves = 0;
        while (moves < 20 || !done.stream().allMatch(Future::isDone)) {
            Cache<String, Integer> before = cache.getDelegate();
            cache.moveTo(moves % 2 == 0 ? second : first, true);
            assertThat(cache.getDelegate()).isNotSameAs(before);
            assertThat(before).as("the storage left behind is cleared").isEmpty();
            moves++;
        }
        for (Future<?> f : done) {
            f.get(1, TimeUnit.MINUTES);
        }

        assertThat(moves).isGreaterThanOrEqualTo(20);
        assertThat(cache.get("counter")).isEqualTo(2 * WRITES_PER_THREAD);
        assertThat(cache.size()).isEqualTo(2 * WRITES_PER_THREAD + 1);
        assertThat(cache.containsKey("gone-0")).isFalse();
        for (int t = 0; t < 2; t++) {
            for (int i = 0; i < WRITES_PER_THREAD; i++) {
                assertThat(cache.get("t" + t + "-" + i)).as("t%d-%d", t, i).isEqualTo(i);
            }
        }
    }

    @Test
    void aMoveWithoutContentGivesFreshEmptyStorage() {
        CacheWrapper<String, String> cache = wrapper();
        cache.put("a", "1");
        cache.moveTo(second, false);
        assertThat(cache).isEmpty();
        assertThat(cache.storage()).isSameAs(second);
        cache.moveTo(second, true); // there already: nothing happens
        assertThat(cache.storage()).isSameAs(second);
    }

    @Test
    void listenersFollowTheMove() {
        CacheWrapper<String, String> cache = wrapper();
        List<String> added = new ArrayList<>();
        cache.addCacheEntryListener(new CacheEntryListener<>() {
            @Override
            public void entryAdded(String key, String value, NodeID origin) {
                added.add(key);
            }
        }, false, true);
        cache.put("before", "1");
        Cache<String, String> old = cache.getDelegate();
        cache.moveTo(second, true);
        cache.put("after", "2");
        old.put("on-the-old-storage", "3");

        assertThat(added).containsExactly("before", "after");
    }

    @Test
    void aLockTakenBeforeAMoveIsReleasedOnTheStorageItWasTakenOn() throws Exception {
        CacheWrapper<String, String> cache = wrapper();
        LocalCache<String, String> firstDelegate = (LocalCache<String, String>) cache.getDelegate();
        Lock lock = cache.getLock("k");
        lock.lock();
        cache.moveTo(second, true);
        lock.unlock();
        assertThat(firstDelegate.activeLockCount()).isZero();
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
