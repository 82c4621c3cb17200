package org.skein.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.skein.cluster.NodeID;

/** The cache factory on its own: no node, settings from a plain function. */
class CacheFactoryTest {

    private static final NodeID NODE = NodeID.of("node");
    private static final Map<String, CacheSettings> SETTINGS = Map.of(
            "users", new CacheSettings(64 * 1024, 30 * 60_000),
            "unbounded", CacheSettings.UNLIMITED);

    private final CacheFactory factory = new CacheFactory(NODE, name -> {
        if (name.equals("broken")) {
            throw new IllegalArgumentException("cache.broken.maxSize is 'huge', expected a size");
        }
        return SETTINGS.getOrDefault(name, new CacheSettings(1024 * 1024, 6 * 3_600_000));
    }, com.github.benmanes.caffeine.cache.Ticker.systemTicker());

    @Test
    void theSameNameGivesTheSameCache() {
        Cache<String, String> a = factory.createCache("users");
        Cache<String, String> b = factory.createCache("users");
        assertThat(a).isSameAs(b).isInstanceOf(CacheWrapper.class);
        a.put("alice", "x");
        assertThat(factory.<String, String>getCache("users")).hasValueSatisfying(c -> assertThat(c.get("alice")).isEqualTo("x"));
        assertThat(factory.getAllCaches()).contains(a);
    }

    @Test
    void budgetsAndLifetimesComeFromTheSettingsByName() {
        Cache<String, String> users = factory.createCache("users");
        assertThat(users.getMaxCacheSize()).isEqualTo(64 * 1024);
        assertThat(users.getMaxLifetime()).isEqualTo(30 * 60_000);
        assertThat(factory.getConfiguredSettings("other")).isEqualTo(new CacheSettings(1024 * 1024, 6 * 3_600_000));
    }

    @Test
    void aBadSettingIsPassedOnAndNoCacheIsMade() {
        assertThatThrownBy(() -> factory.createCache("broken"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cache.broken.maxSize");
        assertThat(factory.getCache("broken")).isEmpty();
    }

    @Test
    void aCacheNeedsAName() {
        assertThatThrownBy(() -> factory.createCache(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aLocalOnlyCacheCannotAlsoBeClusterable() {
        factory.createLocalCache("private");
        assertThatThrownBy(() -> factory.createCache("private")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void destroyingACacheForgetsIt() {
        Cache<String, String> cache = factory.createCache("temp");
        cache.put("a", "1");
        factory.destroyCache("temp");
        assertThat(factory.getCache("temp")).isEmpty();
        assertThat(factory.<String, String>createCache("temp").get("a")).isNull();
    }

    @Test
    void statisticsCoverEveryCache() {
        Cache<String, String> users = factory.createCache("users");
        users.put("alice", "x");
        users.get("alice");
        users.get("bob");
        factory.publishCacheStats();

        CacheStats stats = factory.getCacheStats().get(NODE).stream()
                .filter(s -> s.name().equals("users")).findFirst().orElseThrow();
        assertThat(stats.entries()).isEqualTo(1);
        assertThat(stats.hits()).isEqualTo(1);
        assertThat(stats.misses()).isEqualTo(1);
        assertThat(stats.size()).isPositive();
        assertThat(stats.maxSize()).isEqualTo(64 * 1024);
        assertThat(stats.strategy()).isEqualTo("local");
        assertThat(stats.hitRate()).isEqualTo(0.5);
    }

    @Test
    void aLockFromTheFactoryIsTheCachesKeyLock() {
        Cache<String, String> cache = factory.createCache("locked");
        var lock = factory.getLock("k", cache);
        assertThat(lock.tryLock()).isTrue();
        lock.unlock();
    }

    @Test
    void aloneTheCachesAreLocal() {
        assertThat(factory.isClustered()).isFalse();
        assertThat(factory.getCurrentStorage().name()).isEqualTo("local");
    }
}
