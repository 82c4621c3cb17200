package org.skein.mam;

import java.util.Objects;
import org.skein.cache.Cache;
import org.skein.cache.CacheFactory;
import org.skein.storage.Database;

/**
 * The accounts' archiving preferences, read through the clustered cache {@value #CACHE_NAME} (asked for
 * every archived message, so a near cache on every node; a change is written to the database, then to
 * the cache, which every node sees). Thread-safe.
 */
public final class ArchivePreferences {

    /** The clustered cache of preferences (username to {@link ArchivePrefs}). */
    public static final String CACHE_NAME = "mam.prefs";

    private final JdbcArchivePrefsStore store;
    private final Cache<String, ArchivePrefs> cache;

    public ArchivePreferences(Database database, CacheFactory caches) {
        this.store = new JdbcArchivePrefsStore(Objects.requireNonNull(database, "database"));
        this.cache = caches.createCache(CACHE_NAME);
    }

    /** The account's preferences ({@link ArchivePrefs#DEFAULT} if it set none). */
    public ArchivePrefs get(String username) {
        ArchivePrefs cached = cache.get(username);
        if (cached != null) {
            return cached;
        }
        ArchivePrefs loaded = store.load(username).orElse(ArchivePrefs.DEFAULT);
        ArchivePrefs raced = cache.putIfAbsent(username, loaded);
        return raced != null ? raced : loaded;
    }

    /** Replaces the account's preferences. */
    public void set(String username, ArchivePrefs prefs) {
        store.save(username, prefs);
        cache.put(username, prefs);
    }

    /** Forgets the cached copy (the account was created or removed: its rows go with it). */
    public void evict(String username) {
        cache.remove(username);
    }
}
