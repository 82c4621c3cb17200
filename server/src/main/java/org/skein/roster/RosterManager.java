package org.skein.roster;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.skein.cache.Cache;
import org.skein.cache.CacheFactory;

/**
 * Reads and changes rosters: reads through the clustered {@value #CACHE_NAME} cache (username →
 * {@link Roster}) over the {@link RosterStore}; changes are made under the cache's lock for the user,
 * start from the stored roster (a node's cached copy may not show another node's latest change yet),
 * and are written to the store first and then to the cache, so every node sees them. A change that
 * would add an item to a roster holding {@code roster.maxItems} items already (default 1000) fails
 * with a {@link RosterFullException} and changes nothing; existing items can always be changed or
 * removed.
 *
 * <p>Blocks on the store: call it from processing threads only. Thread-safe.
 */
public final class RosterManager {

    /** Username → {@link Roster}. */
    public static final String CACHE_NAME = "rosters";
    /** The most items a roster may hold (-1: no limit). */
    public static final String MAX_ITEMS_KEY = "roster.maxItems";
    public static final int DEFAULT_MAX_ITEMS = 1000;

    /** What an update did to one item: before and after ({@code null} when absent). */
    public record Change(RosterItem before, RosterItem after) {
        public boolean changed() {
            return !Objects.equals(before, after);
        }
    }

    private final RosterStore store;
    private final Cache<String, Roster> rosters;
    private final int maxItems;

    /** A roster manager without a limit on roster sizes. */
    public RosterManager(RosterStore store, CacheFactory caches) {
        this(store, caches, -1);
    }

    /** @param maxItems the most items a roster may hold, or -1 for no limit */
    public RosterManager(RosterStore store, CacheFactory caches, int maxItems) {
        this.store = Objects.requireNonNull(store, "store");
        this.rosters = caches.createCache(CACHE_NAME);
        this.maxItems = maxItems;
    }

    /** The most items a roster may hold, or -1. */
    public int maxItems() {
        return maxItems;
    }

    /** The user's roster (empty if the user has none). */
    public Roster getRoster(String username) {
        Roster cached = rosters.get(username);
        if (cached != null) {
            return cached;
        }
        Roster loaded = Roster.of(store.items(username));
        rosters.putIfAbsent(username, loaded);
        return loaded;
    }

    public Optional<RosterItem> getItem(String username, String contactJid) {
        return getRoster(username).item(contactJid);
    }

    /**
     * Changes one item atomically: {@code update} gets the current item (or {@code null}) and returns
     * the new one ({@code null} removes it).
     *
     * @throws RosterFullException if a new item would exceed the roster size limit (nothing changes)
     */
    public Change update(String username, String contactJid, UnaryOperator<RosterItem> update) {
        return update(username, contactJid, update, change -> { });
    }

    /**
     * Changes one item atomically, then hands the change to {@code whileLocked} before the user's roster
     * lock is released (also when nothing changed). Roster pushes must be sent there: pushed after the
     * lock, two threads changing one item could push in the opposite order of their changes, and the
     * client would keep the older state (a client applies pushes in the order it gets them).
     * {@code whileLocked} must only hand packets over (it must not wait for other nodes or take roster
     * locks of other users).
     */
    public Change update(String username, String contactJid, UnaryOperator<RosterItem> update, Consumer<Change> whileLocked) {
        Lock lock = rosters.getLock(username);
        lock.lock();
        try {
            Change change = apply(username, contactJid, update);
            whileLocked.accept(change);
            return change;
        } finally {
            lock.unlock();
        }
    }

    private Change apply(String username, String contactJid, UnaryOperator<RosterItem> update) {
        // the store, not the cache: another node's change may not have reached this node's copy yet
        // (near caches are invalidated asynchronously), and writing back a stale copy would lose it
        Roster roster = Roster.of(store.items(username));
        RosterItem before = roster.item(contactJid).orElse(null);
        RosterItem after = update.apply(before);
        if (Objects.equals(before, after)) {
            return new Change(before, after);
        }
        if (before == null && maxItems > 0 && roster.items().size() >= maxItems) {
            throw new RosterFullException(username, maxItems);
        }
        if (after == null) {
            store.remove(username, contactJid);
            rosters.put(username, roster.without(contactJid));
        } else {
            if (!after.jid().equals(contactJid)) {
                throw new IllegalArgumentException("the item's JID " + after.jid() + " is not " + contactJid);
            }
            store.put(username, after);
            rosters.put(username, roster.with(after));
        }
        return new Change(before, after);
    }

    /** Forgets the cached roster of a user (after the account was deleted). */
    public void evict(String username) {
        rosters.remove(username);
    }
}
