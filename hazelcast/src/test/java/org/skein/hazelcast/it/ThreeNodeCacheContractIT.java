package org.skein.hazelcast.it;

import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.skein.XmppServer;
import org.skein.cache.Cache;
import org.skein.cache.testing.AbstractCacheContractTest;

/**
 * The server's cache contract on a clustered cache of a three-node cluster, written through one
 * node and read (and locked) through another.
 */
class ThreeNodeCacheContractIT extends AbstractCacheContractTest {

    @TempDir
    static Path dir;

    private static HazelcastNodes nodes;
    private static XmppServer writer;
    private static XmppServer reader;

    @BeforeAll
    static void startCluster() {
        nodes = new HazelcastNodes(dir, "a", "b", "c");
        writer = nodes.start("a");
        nodes.start("b");
        reader = nodes.start("c");
        await().atMost(Duration.ofSeconds(30)).until(() -> reader.clusterManager().getNodesInfo().size() == 3);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        nodes.close();
    }

    @Override
    protected Cache<String, String> newCache(String name) {
        return writer.cacheFactory().createCache(name);
    }

    @Override
    protected Cache<String, String> sameCacheElsewhere(Cache<String, String> cache) {
        return reader.cacheFactory().createCache(cache.getName());
    }
}
