package org.skein.cache;

/**
 * What a cache does where caches differ, so that a caller (the admin console, a test) can tell without
 * knowing the implementation: Caffeine's {@code Cache.policy()} idea. Every cache keeps the
 * {@link Cache} contract; these say which of its options it has.
 *
 * @param budgetChangesApplyAtOnce whether {@link Cache#setMaxCacheSize} evicts the entries it holds at
 *        once ({@code true} for a local cache); a clustered cache may record a new budget and apply it
 *        when the cluster next starts its storage
 * @param lifetimeChangesApplyAtOnce whether {@link Cache#setMaxLifetime} applies at once to the entries
 *        held, counted from their write
 * @param liveViews whether {@link Cache#keySet()}, {@link Cache#values()} and {@link Cache#entrySet()}
 *        are live views ({@code false}: snapshots)
 */
public record CachePolicy(boolean budgetChangesApplyAtOnce, boolean lifetimeChangesApplyAtOnce, boolean liveViews) {

    /** A cache in this JVM: every change applies at once, views are live. */
    public static final CachePolicy LOCAL = new CachePolicy(true, true, true);
}
