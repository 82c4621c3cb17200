package org.skein.hazelcast.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.config.Config;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.listener.EntryAddedListener;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.skein.cache.Cache;
import org.skein.cache.CacheEntryListener;
import org.skein.cache.CacheSettings;
import org.skein.cluster.NodeID;
import org.skein.hazelcast.cache.HazelcastCacheStorage;

/**
 * The listeners of a member that leaves: silenced at once when the storage is told the member leaves (their
 * registrations end with the member, so nothing waits for the other members), and removed from the cluster
 * as before when a cache's listener is removed while the member stays.
 */
class ClusteredCacheLeavingTest {

    private static final NodeID NODE = NodeID.of("a");

    private HazelcastInstance member;
    private HazelcastCacheStorage storage;

    @BeforeEach
    void start() {
        Config config = new Config().setClusterName("leaving-" + UUID.randomUUID());
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.getNetworkConfig().setPort(OneMemberNode.freePort()).setPortAutoIncrement(false);
        config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        config.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
        config.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
        member = Hazelcast.newHazelcastInstance(config);
        storage = new HazelcastCacheStorage(member, NODE, m -> NODE, n -> true);
    }

    @AfterEach
    void stop() {
        member.shutdown();
    }

    @Test
    void whenTheMemberLeavesItsCachesListenersHearNothingMore() {
        Cache<String, String> cache = storage.createCache("leaving", new CacheSettings(-1, -1));
        List<String> heard = new CopyOnWriteArrayList<>();
        String id = cache.addCacheEntryListener(recorder(heard), true, true);
        cache.put("before", "v");
        await().atMost(Duration.ofSeconds(10)).until(() -> heard.contains("before"));

        storage.leaving();
        List<String> witness = witness("leaving");
        cache.put("after", "v");
        await().atMost(Duration.ofSeconds(10)).until(() -> witness.contains("after"));
        cache.removeCacheEntryListener(id); // forgotten already: nothing to undo
        cache.put("removed", "v");
        await().atMost(Duration.ofSeconds(10)).until(() -> witness.contains("removed"));

        assertThat(heard).containsExactly("before");
        assertThat(member.getMap("leaving").removeEntryListener(UUID.fromString(id)))
                .as("the registration was left to end with the member").isTrue();
    }

    @Test
    void aListenerRemovedWhileTheMemberStaysIsUndoneInTheCluster() {
        Cache<String, String> cache = storage.createCache("staying", new CacheSettings(-1, -1));
        List<String> heard = new CopyOnWriteArrayList<>();
        String id = cache.addCacheEntryListener(recorder(heard), true, true);
        cache.put("before", "v");
        await().atMost(Duration.ofSeconds(10)).until(() -> heard.contains("before"));

        cache.removeCacheEntryListener(id);
        List<String> witness = witness("staying");
        cache.put("after", "v");
        await().atMost(Duration.ofSeconds(10)).until(() -> witness.contains("after"));

        assertThat(heard).containsExactly("before");
        assertThat(member.getMap("staying").removeEntryListener(UUID.fromString(id)))
                .as("the registration was undone in the cluster").isFalse();
    }

    /** A listener on the map itself, added after the others: what it hears proves a write's events went out. */
    private List<String> witness(String mapName) {
        List<String> keys = new CopyOnWriteArrayList<>();
        member.<String, String>getMap(mapName).addEntryListener(
                (EntryAddedListener<String, String>) (EntryEvent<String, String> event) -> keys.add(event.getKey()), false);
        return keys;
    }

    private static CacheEntryListener<String, String> recorder(List<String> keys) {
        return new CacheEntryListener<>() {
            @Override
            public void entryAdded(String key, String value, NodeID origin) {
                keys.add(key);
            }
        };
    }
}
