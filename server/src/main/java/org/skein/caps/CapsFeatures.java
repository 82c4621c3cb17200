package org.skein.caps;

import java.io.Serializable;
import java.util.Set;
import org.skein.cache.CacheSizes;
import org.skein.cache.Cacheable;

/**
 * The features of a verified entity capabilities hash: the value of the clustered
 * {@value EntityCapabilities#CACHE} cache. Immutable.
 *
 * @param features the {@code var}s of the {@code <feature/>}s the client listed
 */
public record CapsFeatures(Set<String> features) implements Serializable, Cacheable {

    private static final long serialVersionUID = 1L;

    public CapsFeatures {
        features = Set.copyOf(features);
    }

    @Override
    public int getCachedSize() {
        long size = 64;
        for (String feature : features) {
            size += 32 + CacheSizes.sizeOf(feature);
        }
        return (int) Math.min(Integer.MAX_VALUE, size);
    }
}
