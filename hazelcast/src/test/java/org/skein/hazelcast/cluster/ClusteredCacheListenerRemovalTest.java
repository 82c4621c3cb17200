package org.skein.hazelcast.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.skein.cache.CacheEntryListener;
import org.skein.cache.CacheSettings;
import org.skein.cluster.NodeID;
import org.skein.hazelcast.cache.ClusteredCache;

/**
 * Removing a listener from a clustered cache returns without waiting for the cluster (Hazelcast asks every
 * member, and waits up to a minute for one that just left: a node leaving right after another once took two
 * minutes to put its caches back to local), and the listener hears nothing more from that moment, even while
 * its registration is still being undone.
 */
class ClusteredCacheListenerRemovalTest {

    private HazelcastInstance member;

    @BeforeEach
    void start() {
        Config config = new Config().setClusterName("removal-" + UUID.randomUUID());
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.getNetworkConfig().setPort(OneMemberNode.freePort()).setPortAutoIncrement(false);
        config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        config.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
        config.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
        member = Hazelcast.newHazelcastInstance(config);
    }

    @AfterEach
    void stop() {
        member.shutdown();
    }

    @Test
    void aRemovedListenerHearsNothingMoreWhileItsRegistrationIsUndoneLater() {
        NodeID node = NodeID.of("a");
        ConcurrentLinkedQueue<Runnable> later = new ConcurrentLinkedQueue<>();
        IMap<String, String> map = member.getMap("removal");
        ClusteredCache<String, String> cache = new ClusteredCache<>(map, new CacheSettings(-1, -1), node, m -> node, later::add);
        List<String> heard = new CopyOnWriteArrayList<>();
        String id = cache.addCacheEntryListener(new CacheEntryListener<>() {
            @Override
            public void entryAdded(String key, String value, NodeID origin) {
                heard.add(key);
            }
        }, true, true);
        cache.put("before", "v");
        await().atMost(Duration.ofSeconds(10)).until(() -> heard.contains("before"));

        cache.removeCacheEntryListener(id);
        assertThat(later).as("the registration is undone off the caller's thread").hasSize(1);
        cache.put("while-undoing", "v");
        // a later listener, added after the write, proves the write's events were published
        List<String> witness = new CopyOnWriteArrayList<>();
        cache.addCacheEntryListener(new CacheEntryListener<>() {
            @Override
            public void entryAdded(String key, String value, NodeID origin) {
                witness.add(key);
            }
        }, true, true);
        cache.put("witnessed", "v");
        await().atMost(Duration.ofSeconds(10)).until(() -> witness.contains("witnessed"));

        later.poll().run();
        cache.put("after", "v");
        await().atMost(Duration.ofSeconds(10)).until(() -> witness.contains("after"));
        assertThat(heard).containsExactly("before");
    }
}
