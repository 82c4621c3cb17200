package org.skein.cache.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.skein.cache.Cache;
import org.skein.cache.CacheEntryListener;
import org.skein.cluster.NodeID;

/**
 * The contract every {@link Cache} implementation keeps, run against each of them: the local cache,
 * a cache after the wrapper's swap, clustered caches on one and on several nodes. A subclass says how
 * to make a fresh, empty cache; names are unique per test so clustered storage never carries over.
 */
public abstract class AbstractCacheContractTest {

    private final ExecutorService otherThread = Executors.newSingleThreadExecutor();

    /** A new, empty cache with an unlimited budget and lifetime. */
    protected abstract Cache<String, String> newCache(String name);

    /** The same cache as seen from another node, or from this node when there is only one. */
    protected Cache<String, String> sameCacheElsewhere(Cache<String, String> cache) {
        return cache;
    }

    @AfterEach
    void stopOtherThread() {
        otherThread.shutdownNow();
    }

    private Cache<String, String> cache() {
        return newCache("contract-" + UUID.randomUUID());
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
    void conditionalWritesAreAtomic() {
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
    void budgetAndLifetimeCanBeChanged() {
        Cache<String, String> cache = cache();
        cache.setMaxCacheSize(1024 * 1024);
        cache.setMaxLifetime(Duration.ofHours(1).toMillis());
        assertThat(cache.getMaxCacheSize()).isEqualTo(1024 * 1024);
        assertThat(cache.getMaxLifetime()).isEqualTo(Duration.ofHours(1).toMillis());
        cache.setMaxCacheSize(-1);
        cache.setMaxLifetime(-1);
        assertThat(cache.getMaxCacheSize()).isEqualTo(-1);
        assertThat(cache.getMaxLifetime()).isEqualTo(-1);
    }

    @Test
    void aKeyLockExcludesOtherThreads() throws Exception {
        Cache<String, String> cache = cache();
        Lock lock = cache.getLock("k");
        lock.lock();
        try {
            Future<Boolean> other = otherThread.submit(() -> sameCacheElsewhere(cache).getLock("k").tryLock());
            assertThat(other.get(30, TimeUnit.SECONDS)).isFalse();
        } finally {
            lock.unlock();
        }
        Future<Boolean> after = otherThread.submit(() -> {
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
    void listenersHearOfChangesWithTheOrigin() {
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
        await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 1);
        cache.put("a", "2");
        await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 2);
        cache.remove("a");
        await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 3);
        assertThat(events).containsExactly("added a=1", "updated a=2", "removed a");

        cache.removeCacheEntryListener(id);
        cache.put("b", "1");
        cache.put("c", "1");
        assertThat(sameCacheElsewhere(cache).get("c")).isEqualTo("1");
        assertThat(events).hasSize(3);
    }
}
