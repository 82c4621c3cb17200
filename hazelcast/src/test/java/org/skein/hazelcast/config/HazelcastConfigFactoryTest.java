package org.skein.hazelcast.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.Config;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MaxSizePolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.skein.config.ConfigException;
import org.skein.config.ServerConfig;

class HazelcastConfigFactoryTest {

    @TempDir
    Path home;

    private Config build(Map<String, String> values) {
        ServerConfig config = ServerConfig.inMemory(values);
        return new HazelcastConfigFactory(PluginSettings.from(config, home), config).build();
    }

    private Path local() {
        return home.resolve("conf").resolve("hazelcast-local-config.xml");
    }

    private void writeLocal(String body) throws IOException {
        Files.createDirectories(local().getParent());
        Files.writeString(local(), "<hazelcast xmlns=\"http://www.hazelcast.com/schema/config\">" + body + "</hazelcast>");
    }

    @Test
    void theTemplateGivesSafeDefaults() {
        assertThat(LocalConfigFile.createIfMissing(local())).isTrue();
        assertThat(LocalConfigFile.createIfMissing(local())).isFalse();

        Config config = build(Map.of());

        assertThat(config.getClusterName()).isEqualTo("skein");
        assertThat(config.getNetworkConfig().getJoin().getTcpIpConfig().isEnabled()).isTrue();
        assertThat(config.getNetworkConfig().getJoin().getTcpIpConfig().getMembers()).containsExactly("127.0.0.1");
        assertThat(config.getNetworkConfig().getJoin().getMulticastConfig().isEnabled()).isFalse();
        assertThat(config.getNetworkConfig().getJoin().isAutoDetectionEnabled()).isFalse();
        assertThat(config.getNetworkConfig().getInterfaces().isEnabled()).isTrue();
        assertThat(config.getNetworkConfig().getInterfaces().getInterfaces()).containsExactly("127.0.0.1");
        assertThat(config.getProperty("hazelcast.socket.bind.any")).isEqualTo("false");
        assertThat(config.getProperty("hazelcast.phone.home.enabled")).isEqualTo("false");
        assertThat(config.getProperty("hazelcast.shutdownhook.enabled")).isEqualTo("false");
        assertThat(config.getProperty("hazelcast.heartbeat.interval.seconds")).isEqualTo("1");
        assertThat(config.getProperty("hazelcast.max.no.heartbeat.seconds")).isEqualTo("7");
        assertThat(config.getExecutorConfig(HazelcastConfigFactory.TASK_EXECUTOR).getPoolSize()).isEqualTo(8);
        assertThat(config.getExecutorConfig(HazelcastConfigFactory.TASK_EXECUTOR).getQueueCapacity()).isEqualTo(10_000);
    }

    @Test
    void theShippedCacheConfigurationEvictsNearCachesReadMostlyCachesAndNamesAMergePolicyPerCache() {
        LocalConfigFile.createIfMissing(local());
        Config config = build(Map.of());

        for (String name : new String[] {"users", "rosters"}) {
            MapConfig map = config.getMapConfig(name);
            assertThat(map.getInMemoryFormat()).isEqualTo(InMemoryFormat.BINARY);
            assertThat(map.getBackupCount()).isEqualTo(1);
            assertThat(map.getTimeToLiveSeconds()).isPositive();
            assertThat(map.getEvictionConfig().getEvictionPolicy()).isEqualTo(EvictionPolicy.LRU);
            assertThat(map.getEvictionConfig().getMaxSizePolicy()).isEqualTo(MaxSizePolicy.USED_HEAP_SIZE);
            assertThat(map.getEvictionConfig().getSize()).isPositive();
            assertThat(map.getNearCacheConfig()).isNotNull();
            assertThat(map.getNearCacheConfig().getInMemoryFormat()).isEqualTo(InMemoryFormat.BINARY);
            assertThat(map.getNearCacheConfig().isInvalidateOnChange()).isTrue();
            assertThat(map.getNearCacheConfig().getEvictionConfig().getEvictionPolicy()).isEqualTo(EvictionPolicy.LRU);
            assertThat(map.getMergePolicyConfig().getPolicy()).isEqualTo("DiscardMergePolicy");
        }
        // the route caches are read for every stanza: near copies as objects, never evicted or expired in the map
        for (String name : new String[] {"routes.users", "routes.sessions"}) {
            MapConfig map = config.getMapConfig(name);
            assertThat(map.getNearCacheConfig()).as(name).isNotNull();
            assertThat(map.getNearCacheConfig().getInMemoryFormat()).as(name).isEqualTo(InMemoryFormat.OBJECT);
            assertThat(map.getNearCacheConfig().isInvalidateOnChange()).as(name).isTrue();
            assertThat(map.getEvictionConfig().getEvictionPolicy()).as(name).isEqualTo(EvictionPolicy.NONE);
            assertThat(map.getTimeToLiveSeconds()).as(name).isZero();
        }
        assertThat(config.getMapConfig("skein-cache-stats").getMergePolicyConfig().getPolicy()).isEqualTo("PassThroughMergePolicy");
        assertThat(config.getMapConfig("default").getMergePolicyConfig().getPolicy()).isEqualTo("PutIfAbsentMergePolicy");
        assertThat(config.getMapConfigOrNull("some-plugin-cache")).isNull();
    }

    @Test
    void vcardsAndBlockListsAreNearCachedAsObjectsAndReloadedFromTheDatabaseAfterAMerge() {
        LocalConfigFile.createIfMissing(local());
        Config config = build(Map.of());

        for (String name : new String[] {"vcards", "blocklists"}) {
            MapConfig map = config.getMapConfig(name);
            assertThat(map.getNearCacheConfig()).as(name).isNotNull();
            assertThat(map.getNearCacheConfig().getInMemoryFormat()).as(name).isEqualTo(InMemoryFormat.OBJECT);
            assertThat(map.getNearCacheConfig().isInvalidateOnChange()).as(name).isTrue();
            assertThat(map.getNearCacheConfig().isCacheLocalEntries()).as(name).isFalse();
            assertThat(map.getEvictionConfig().getMaxSizePolicy()).as(name).isEqualTo(MaxSizePolicy.USED_HEAP_SIZE);
            assertThat(map.getEvictionConfig().getSize()).as(name).isEqualTo(16);
            assertThat(map.getTimeToLiveSeconds()).as(name).isEqualTo(21600);
            assertThat(map.getMergePolicyConfig().getPolicy()).as(name).isEqualTo("DiscardMergePolicy");
        }
    }

    @Test
    void theLocalFileWinsOverTheCacheConfigurationAndExplicitTimingsWinOverTheLocalFile() throws IOException {
        writeLocal("""
                <cluster-name>mine</cluster-name>
                <properties>
                  <property name="hazelcast.max.no.heartbeat.seconds">30</property>
                  <property name="hazelcast.merge.first.run.delay.seconds">7</property>
                </properties>
                <network><join><tcp-ip enabled="true"><member-list><member>10.0.0.1</member></member-list></tcp-ip></join></network>
                <map name="users"><time-to-live-seconds>60</time-to-live-seconds></map>
                """);

        Config config = build(Map.of("hazelcast.merge.firstRunDelay", "3s"));

        assertThat(config.getClusterName()).isEqualTo("mine");
        assertThat(config.getMapConfig("users").getTimeToLiveSeconds()).isEqualTo(60);
        assertThat(config.getMapConfig("users").getNearCacheConfig()).isNull();
        assertThat(config.getMapConfig("rosters").getNearCacheConfig()).isNotNull();
        assertThat(config.getProperty("hazelcast.max.no.heartbeat.seconds")).isEqualTo("30");
        assertThat(config.getProperty("hazelcast.merge.first.run.delay.seconds")).isEqualTo("3");
    }

    @Test
    void aReplacementCacheConfigurationIsUsedInstead() throws IOException {
        LocalConfigFile.createIfMissing(local());
        Path caches = home.resolve("caches.xml");
        Files.writeString(caches, "<hazelcast xmlns=\"http://www.hazelcast.com/schema/config\"><map name=\"only\"/></hazelcast>");

        Config config = build(Map.of("hazelcast.cacheConfig", caches.toString()));

        assertThat(config.getMapConfigOrNull("only")).isNotNull();
        assertThat(config.getMapConfigOrNull("users")).isNull();
    }

    @Test
    void errorsNameTheFileTheElementAndWhatWasExpected() throws IOException {
        assertThatThrownBy(() -> build(Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining(local().toString()).hasMessageContaining("does not exist");

        writeLocal("<network><join><tcp-ip enabled=\"true\"><member-list><membr>x</membr></member-list></tcp-ip></join></network>");
        assertThatThrownBy(() -> build(Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining(local().toString()).hasMessageContaining("membr");

        writeLocal("<network><join><auto-detection enabled=\"false\"/><multicast enabled=\"false\"/>"
                + "<tcp-ip enabled=\"false\"/></join></network>");
        assertThatThrownBy(() -> build(Map.of()))
                .hasMessageContaining(local().toString()).hasMessageContaining("<network><join>")
                .hasMessageContaining("expected <tcp-ip enabled=\"true\">");

        writeLocal("<network><join><auto-detection enabled=\"false\"/><tcp-ip enabled=\"true\"/></join></network>");
        assertThatThrownBy(() -> build(Map.of()))
                .hasMessageContaining(local().toString()).hasMessageContaining("empty <member-list>")
                .hasMessageContaining("expected a <member> entry per node");

        Files.writeString(local(), "<not-hazelcast/>");
        assertThatThrownBy(() -> build(Map.of())).hasMessageContaining(local().toString()).hasMessageContaining("hazelcast");
    }

    @Test
    void derivedMapsEvictWithAPolicyAndASizeAndExpire() {
        MapConfig bounded = CacheMapConfigs.derive("plugin-cache", new org.skein.cache.CacheSettings(3 * 1024 * 1024 + 1, 1500));
        assertThat(bounded.getEvictionConfig().getEvictionPolicy()).isEqualTo(EvictionPolicy.LRU);
        assertThat(bounded.getEvictionConfig().getMaxSizePolicy()).isEqualTo(MaxSizePolicy.USED_HEAP_SIZE);
        assertThat(bounded.getEvictionConfig().getSize()).isEqualTo(4);
        assertThat(bounded.getTimeToLiveSeconds()).isEqualTo(2);
        assertThat(bounded.getInMemoryFormat()).isEqualTo(InMemoryFormat.BINARY);
        assertThat(bounded.getMergePolicyConfig().getPolicy()).endsWith("PutIfAbsentMergePolicy");
        assertThat(CacheMapConfigs.effective(bounded, org.skein.cache.CacheSettings.UNLIMITED))
                .isEqualTo(new org.skein.cache.CacheSettings(4L * 1024 * 1024, 2000));

        MapConfig unlimited = CacheMapConfigs.derive("routes", org.skein.cache.CacheSettings.UNLIMITED);
        assertThat(unlimited.getEvictionConfig().getEvictionPolicy()).isEqualTo(EvictionPolicy.NONE);
        assertThat(unlimited.getTimeToLiveSeconds()).isZero();
        assertThat(CacheMapConfigs.effective(unlimited, new org.skein.cache.CacheSettings(10, 10)))
                .isEqualTo(org.skein.cache.CacheSettings.UNLIMITED);
    }
}
