package org.skein.cache;

/**
 * A value that knows its own size. Caches count the bytes of their entries against a byte budget;
 * for values of common types ({@link String}, numbers, collections, maps, JIDs, arrays) they estimate
 * the size themselves ({@link CacheSizes}), for anything else they ask this interface, or fall back
 * to a costly estimate by serialization. Implement it for values that are put into caches often.
 */
public interface Cacheable {

    /**
     * An estimate of the heap this object takes, in bytes, including the objects it holds. Should be
     * cheap: it is called on every write of the value. Use {@link CacheSizes} for the parts.
     */
    int getCachedSize();
}
