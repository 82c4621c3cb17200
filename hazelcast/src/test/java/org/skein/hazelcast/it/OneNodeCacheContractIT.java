package org.skein.hazelcast.it;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.skein.XmppServer;
import org.skein.cache.Cache;
import org.skein.cache.testing.AbstractCacheContractTest;

/** The server's cache contract on a clustered cache of a one-node cluster. */
class OneNodeCacheContractIT extends AbstractCacheContractTest {

    @TempDir
    static Path dir;

    private static HazelcastNodes nodes;
    private static XmppServer node;

    @BeforeAll
    static void startCluster() {
        nodes = new HazelcastNodes(dir, "alone");
        node = nodes.start("alone");
    }

    @AfterAll
    static void stopCluster() throws Exception {
        nodes.close();
    }

    @Override
    protected Cache<String, String> newCache(String name) {
        return node.cacheFactory().createCache(name);
    }
}
