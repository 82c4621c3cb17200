package org.skein.bench.cache;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.skein.cache.CacheFactory;
import org.skein.cluster.NodeID;
import org.skein.config.CacheSettingsResolver;
import org.skein.config.ServerConfig;

/**
 * What does Skein's local cache cost next to plain Caffeine, and how does it compare with the
 * classic synchronized LinkedHashMap LRU that older servers use?
 *
 * <p>The key space (2^14 JID-like strings) fits in every cache, so reads hit; keys are drawn from a
 * Zipf-like distribution (a few keys are hot, as JIDs of busy users are). {@code getHeavy} is 100%
 * reads, {@code mixed} is 75% reads and 25% writes.
 *
 * <ul>
 *   <li>{@code skein}: a cache from {@link CacheFactory#createCache}, as the server uses it (the
 *       {@code CacheWrapper} over the Caffeine-backed local cache, with a byte budget, a lifetime and
 *       statistics);</li>
 *   <li>{@code caffeine}: Caffeine configured the same way (weigher and maximum weight,
 *       expire-after-write, recorded statistics), used directly through its {@code Cache} interface
 *       ({@code getIfPresent} records statistics, as Skein's {@code get} does);</li>
 *   <li>{@code skeinBudget}: a Skein cache with a byte budget and no lifetime: bounded like an LRU
 *       (the fair match for {@code syncLru}), no clock read on a get;</li>
 *   <li>{@code skeinUnbounded}: a Skein cache with no budget and no lifetime, as the routing caches
 *       are (no eviction or expiration policy is built for it);</li>
 *   <li>{@code caffeineUnbounded}: Caffeine with recorded statistics and no bound, used directly;</li>
 *   <li>{@code syncLru}: {@code Collections.synchronizedMap} over an access-ordered LinkedHashMap.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-XX:+UseParallelGC"})
public class LocalCacheBenchmark {

    static final int KEYS = 1 << 14;
    static final int MASK = KEYS - 1;

    @Param({"skein", "caffeine", "skeinBudget", "skeinUnbounded", "caffeineUnbounded", "syncLru"})
    public String cache;

    Map<String, String> map;
    String[] keys;
    String[] values;
    int[] order;

    @Setup(Level.Trial)
    public void setUp() {
        keys = new String[KEYS];
        values = new String[KEYS];
        for (int i = 0; i < KEYS; i++) {
            keys[i] = "user" + i + "@example.com/resource-" + (i % 7);
            values[i] = "route-to-node-" + (i % 3) + "-" + i;
        }
        order = zipfOrder(new Random(42));
        map = create(cache);
        for (int i = 0; i < KEYS; i++) {
            map.put(keys[i], values[i]);
        }
    }

    static Map<String, String> create(String kind) {
        long budget = 256L * 1024 * 1024;
        Duration lifetime = Duration.ofHours(6);
        switch (kind) {
            case "skein": {
                CacheFactory factory = new CacheFactory(NodeID.of("bench"), new CacheSettingsResolver(ServerConfig.inMemory(Map.of(
                        "cache.bench.maxSize", "256MiB", "cache.bench.maxLifetime", "6h")))::resolve,
                        Ticker.systemTicker());
                return factory.createCache("bench");
            }
            case "caffeine":
                return new CaffeineView(Caffeine.newBuilder()
                        .executor(Runnable::run)
                        .maximumWeight(budget)
                        .<String, String>weigher((k, v) -> 64 + k.length() + v.length())
                        .expireAfterWrite(lifetime)
                        .recordStats()
                        .build());
            case "skeinBudget": {
                CacheFactory factory = new CacheFactory(NodeID.of("bench"), new CacheSettingsResolver(ServerConfig.inMemory(Map.of(
                        "cache.bench.maxSize", "256MiB", "cache.bench.maxLifetime", "-1")))::resolve,
                        Ticker.systemTicker());
                return factory.createCache("bench");
            }
            case "skeinUnbounded": {
                CacheFactory factory = new CacheFactory(NodeID.of("bench"), new CacheSettingsResolver(ServerConfig.inMemory(Map.of(
                        "cache.bench.maxSize", "-1", "cache.bench.maxLifetime", "-1")))::resolve,
                        Ticker.systemTicker());
                return factory.createCache("bench");
            }
            case "caffeineUnbounded":
                return new CaffeineView(Caffeine.newBuilder().executor(Runnable::run).recordStats().build());
            case "syncLru":
                return java.util.Collections.synchronizedMap(new LinkedHashMap<>(KEYS * 2, 0.75f, true) {
                    @Override
                    protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                        return size() > KEYS * 2;
                    }
                });
            default:
                throw new IllegalArgumentException(kind);
        }
    }

    /** Plain Caffeine behind a minimal map: get is getIfPresent (with statistics), put is asMap().put. */
    static final class CaffeineView extends java.util.AbstractMap<String, String> {
        private final com.github.benmanes.caffeine.cache.Cache<String, String> cache;

        CaffeineView(com.github.benmanes.caffeine.cache.Cache<String, String> cache) {
            this.cache = cache;
        }

        @Override
        public String get(Object key) {
            return cache.getIfPresent((String) key);
        }

        @Override
        public String put(String key, String value) {
            return cache.asMap().put(key, value);
        }

        @Override
        public int size() {
            return cache.asMap().size();
        }

        @Override
        public java.util.Set<Entry<String, String>> entrySet() {
            return cache.asMap().entrySet();
        }
    }

    /** Indexes drawn from a Zipf-like distribution (s = 1), scrambled over the key space. */
    static int[] zipfOrder(Random random) {
        int[] result = new int[KEYS];
        double[] cumulative = new double[KEYS];
        double sum = 0;
        for (int i = 0; i < KEYS; i++) {
            sum += 1.0 / (i + 1);
            cumulative[i] = sum;
        }
        for (int i = 0; i < KEYS; i++) {
            double u = random.nextDouble() * sum;
            int rank = java.util.Arrays.binarySearch(cumulative, u);
            rank = rank < 0 ? -rank - 1 : rank;
            result[i] = (int) ((rank * 0x9E3779B1L) & MASK); // scatter the hot keys
        }
        return result;
    }

    /** A per-thread position in the shared access order. */
    @State(Scope.Thread)
    public static class Cursor {
        int index = (int) (Thread.currentThread().getId() * 7919);

        int next() {
            return index++ & MASK;
        }
    }

    @Benchmark
    public String getHeavy(Cursor cursor) {
        return map.get(keys[order[cursor.next()]]);
    }

    @Benchmark
    public String mixed(Cursor cursor) {
        int i = cursor.next();
        int key = order[i];
        if ((i & 3) == 0) {
            return map.put(keys[key], values[key]);
        }
        return map.get(keys[key]);
    }
}
