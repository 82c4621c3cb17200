package org.skein.cache;

import java.util.Objects;

/**
 * The budget of one cache: its maximum size in bytes (-1 for unlimited) and the maximum lifetime of
 * an entry in milliseconds (-1 for forever), counted from when the entry was written.
 *
 * @param maxSize the byte budget, -1 for unlimited
 * @param maxLifetime the entry lifetime in milliseconds, -1 for forever
 */
public record CacheSettings(long maxSize, long maxLifetime) {

    /** No bound: routing tables and other caches that must never lose an entry by themselves. */
    public static final CacheSettings UNLIMITED = new CacheSettings(-1, -1);

    public CacheSettings {
        if (maxSize < -1 || maxSize == 0) {
            throw new IllegalArgumentException("maxSize must be positive or -1, got " + maxSize);
        }
        if (maxLifetime < -1 || maxLifetime == 0) {
            throw new IllegalArgumentException("maxLifetime must be positive or -1, got " + maxLifetime);
        }
    }

    public boolean isUnlimitedSize() {
        return maxSize == -1;
    }

    public boolean isEternal() {
        return maxLifetime == -1;
    }

    @Override
    public String toString() {
        return "CacheSettings{maxSize=" + (maxSize < 0 ? "unlimited" : maxSize + "B")
                + ", maxLifetime=" + (maxLifetime < 0 ? "forever" : maxLifetime + "ms") + "}";
    }

    static CacheSettings of(Cache<?, ?> cache) {
        Objects.requireNonNull(cache, "cache");
        return new CacheSettings(cache.getMaxCacheSize(), cache.getMaxLifetime());
    }
}
