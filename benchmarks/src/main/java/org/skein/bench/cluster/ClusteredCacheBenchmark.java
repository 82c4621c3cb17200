package org.skein.bench.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.skein.cache.Cache;

/**
 * What does a Skein clustered cache (the {@code CacheWrapper} over the plugin's {@code ClusteredCache}
 * over a Hazelcast {@code IMap}) cost next to the same {@code IMap} used directly, and how much do
 * near caches save? Two members in this JVM on loopback; every read and write is made on the first
 * member, on keys the second member owns ({@code remote}) or the first one owns ({@code local}), and
 * on a near-cached map ({@code users}, as the plugin ships it) for keys the second member owns.
 * Values are 200-character strings; 1024 keys per group, read round robin.
 *
 * <p>Targets: the cache adds at most 10% to the plain map; near-cached reads are at least 10 times
 * faster than remote reads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 8, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-XX:+UseParallelGC", "-Djava.net.preferIPv4Stack=true",
        "-Dhazelcast.phone.home.enabled=false", "--add-modules", "java.se",
        "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens", "java.base/java.lang=ALL-UNNAMED",
        "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens", "java.management/sun.management=ALL-UNNAMED",
        "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED"})
public class ClusteredCacheBenchmark {

    static final int KEYS = 1024;
    static final String PLAIN = "bench-plain";
    static final String NEAR = "users";

    TwoMembers members;
    Cache<String, String> cache;
    IMap<String, String> map;
    Cache<String, String> nearCache;
    IMap<String, String> nearMap;
    String[] remoteKeys;
    String[] localKeys;
    String value;
    int next;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        members = new TwoMembers();
        cache = members.first.cacheFactory().createCache(PLAIN);
        nearCache = members.first.cacheFactory().createCache(NEAR);
        HazelcastInstance member = members.firstMember();
        map = member.getMap(PLAIN);
        nearMap = member.getMap(NEAR);
        value = "v".repeat(200);
        List<String> remote = new ArrayList<>();
        List<String> local = new ArrayList<>();
        for (int i = 0; remote.size() < KEYS || local.size() < KEYS; i++) {
            String key = "user" + i + "@example.org/phone";
            boolean ownedHere = member.getPartitionService().getPartition(key).getOwner().localMember();
            List<String> group = ownedHere ? local : remote;
            if (group.size() < KEYS) {
                group.add(key);
            }
        }
        remoteKeys = remote.toArray(String[]::new);
        localKeys = local.toArray(String[]::new);
        for (int i = 0; i < KEYS; i++) {
            map.set(remoteKeys[i], value);
            map.set(localKeys[i], value);
            nearMap.set(remoteKeys[i], value);
        }
        for (String key : remoteKeys) {
            nearMap.get(key); // fill the near cache
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        members.close();
    }

    private String remoteKey() {
        return remoteKeys[next++ & (KEYS - 1)];
    }

    private String localKey() {
        return localKeys[next++ & (KEYS - 1)];
    }

    @Benchmark
    public String getRemoteCache() {
        return cache.get(remoteKey());
    }

    @Benchmark
    public String getRemoteMap() {
        return map.get(remoteKey());
    }

    @Benchmark
    public String getLocalCache() {
        return cache.get(localKey());
    }

    @Benchmark
    public String getLocalMap() {
        return map.get(localKey());
    }

    @Benchmark
    public String getNearCachedCache() {
        return nearCache.get(remoteKey());
    }

    @Benchmark
    public String getNearCachedMap() {
        return nearMap.get(remoteKey());
    }

    @Benchmark
    public String putRemoteCache() {
        return cache.put(remoteKey(), value);
    }

    @Benchmark
    public String putRemoteMap() {
        return map.put(remoteKey(), value);
    }

    @Benchmark
    public String putLocalCache() {
        return cache.put(localKey(), value);
    }

    @Benchmark
    public String putLocalMap() {
        return map.put(localKey(), value);
    }
}
