package org.skein.cache;

import org.skein.cache.testing.AbstractCacheContractTest;
import org.skein.cache.testing.FakeTicker;
import org.skein.cluster.NodeID;

/** The cache contract on a node's local caches, as the cache factory hands them out. */
class LocalCacheContractTest extends AbstractCacheContractTest {

    private final CacheFactory factory = new CacheFactory(NodeID.of("node"), name -> CacheSettings.UNLIMITED, new FakeTicker());

    @Override
    protected Cache<String, String> newCache(String name) {
        return factory.createCache(name);
    }
}
