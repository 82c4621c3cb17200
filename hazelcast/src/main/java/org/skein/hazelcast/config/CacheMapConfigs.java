package org.skein.hazelcast.config;

import com.hazelcast.config.EvictionConfig;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MaxSizePolicy;
import com.hazelcast.config.MergePolicyConfig;
import com.hazelcast.spi.merge.PutIfAbsentMergePolicy;
import org.skein.cache.CacheSettings;

/**
 * The Hazelcast map behind a cache: derived from the cache's budget and lifetime when the cache
 * configuration has no entry for it, and the budget and lifetime a map's configuration stands for.
 */
public final class CacheMapConfigs {

    private static final long MIB = 1024L * 1024;

    private CacheMapConfigs() {
    }

    /**
     * A map configuration for a cache without an entry of its own: BINARY values, one synchronous
     * backup, an LRU eviction by used heap (megabytes per member, at least 1) if the cache has a
     * budget, a time to live (whole seconds, at least 1) if it has a lifetime, and
     * {@link PutIfAbsentMergePolicy}: after a split brain the larger side's entries win, the smaller
     * side's other entries are added, and the smaller side's nodes re-add their own state anyway.
     */
    public static MapConfig derive(String name, CacheSettings settings) {
        MapConfig config = new MapConfig(name)
                .setInMemoryFormat(InMemoryFormat.BINARY)
                .setBackupCount(1)
                .setStatisticsEnabled(true)
                .setMergePolicyConfig(new MergePolicyConfig(PutIfAbsentMergePolicy.class.getName(), MergePolicyConfig.DEFAULT_BATCH_SIZE));
        if (!settings.isEternal()) {
            config.setTimeToLiveSeconds(toSeconds(settings.maxLifetime()));
        }
        EvictionConfig eviction = config.getEvictionConfig();
        if (settings.isUnlimitedSize()) {
            eviction.setEvictionPolicy(EvictionPolicy.NONE).setMaxSizePolicy(MaxSizePolicy.PER_NODE).setSize(Integer.MAX_VALUE);
        } else {
            eviction.setEvictionPolicy(EvictionPolicy.LRU).setMaxSizePolicy(MaxSizePolicy.USED_HEAP_SIZE)
                    .setSize((int) Math.min(Integer.MAX_VALUE, Math.max(1, (settings.maxSize() + MIB - 1) / MIB)));
        }
        return config;
    }

    /**
     * The budget and lifetime a map's configuration stands for: its used-heap limit in bytes (or
     * the fallback's budget when it limits entries by count, whose bytes cannot be known, or -1 when
     * it does not evict) and its time to live (-1 for none).
     */
    public static CacheSettings effective(MapConfig config, CacheSettings fallback) {
        EvictionConfig eviction = config.getEvictionConfig();
        long maxSize;
        if (eviction.getEvictionPolicy() == EvictionPolicy.NONE) {
            maxSize = -1;
        } else if (eviction.getMaxSizePolicy() == MaxSizePolicy.USED_HEAP_SIZE) {
            maxSize = eviction.getSize() * MIB;
        } else {
            maxSize = fallback.maxSize();
        }
        long lifetime = config.getTimeToLiveSeconds() > 0 ? config.getTimeToLiveSeconds() * 1000L : -1;
        return new CacheSettings(maxSize, lifetime);
    }

    private static int toSeconds(long millis) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, (millis + 999) / 1000));
    }
}
