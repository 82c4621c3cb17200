package org.skein.cache;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.skein.XmppServer;
import org.skein.cluster.testing.InMemoryCluster;
import org.skein.cache.testing.AbstractCacheContractTest;
import org.skein.testing.TestNodes;

/**
 * The cache contract on caches that went through the swaps: created local, moved to a two-node
 * in-memory cluster, and read from the other node.
 */
class SwappedCacheContractTest extends AbstractCacheContractTest {

    @TempDir
    Path dir;

    private TestNodes nodes;
    private XmppServer one;
    private XmppServer two;

    @BeforeEach
    void start() {
        nodes = new TestNodes(dir);
        InMemoryCluster cluster = new InMemoryCluster();
        Map<String, String> config = Map.of("clustering.enabled", "true", "cache.default.maxSize", "-1", "cache.default.maxLifetime", "-1");
        one = nodes.start("one", config);
        two = nodes.start("two", config);
        one.clusterManager().registerProvider(cluster.provider());
        two.clusterManager().registerProvider(cluster.provider());
    }

    @AfterEach
    void stop() throws Exception {
        nodes.close();
    }

    @Override
    protected Cache<String, String> newCache(String name) {
        Cache<String, String> cache = one.cacheFactory().createCache(name);
        one.clusterManager().startup();
        two.clusterManager().startup();
        return cache;
    }

    @Override
    protected Cache<String, String> sameCacheElsewhere(Cache<String, String> cache) {
        return two.cacheFactory().createCache(cache.getName());
    }
}
