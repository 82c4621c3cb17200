package org.skein.cache;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.skein.testing.AbstractCacheContractTest;
import org.skein.testing.TestNodes;

/** The cache contract on a node's local caches, as the cache factory hands them out. */
class LocalCacheContractTest extends AbstractCacheContractTest {

    @TempDir
    Path dir;

    private TestNodes nodes;
    private CacheFactory factory;

    @BeforeEach
    void start() {
        nodes = new TestNodes(dir);
        factory = nodes.start("node", Map.of("cache.default.maxSize", "-1", "cache.default.maxLifetime", "-1")).cacheFactory();
    }

    @AfterEach
    void stop() throws Exception {
        nodes.close();
    }

    @Override
    protected Cache<String, String> newCache(String name) {
        return factory.createCache(name);
    }
}
