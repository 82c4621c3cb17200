package org.skein.cache;

import java.time.Duration;
import org.skein.cache.testing.AbstractCacheContractTest;
import org.skein.cache.testing.FakeTicker;
import org.skein.cluster.NodeID;

/** The cache contract on a node's local caches, as the cache factory hands them out, on a test ticker. */
class LocalCacheContractTest extends AbstractCacheContractTest {

    private final FakeTicker ticker = new FakeTicker();
    private final CacheFactory factory = new CacheFactory(NodeID.of("node"), name -> CacheSettings.UNLIMITED, ticker);

    @Override
    protected Cache<String, String> newCache(String name) {
        return factory.createCache(name);
    }

    @Override
    protected void letTimePass(Duration duration) {
        ticker.advance(duration);
    }
}
