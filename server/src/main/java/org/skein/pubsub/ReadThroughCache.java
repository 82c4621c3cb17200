package org.skein.pubsub;

import java.io.Serializable;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Supplier;
import org.skein.cache.Cache;
import org.skein.cache.CacheSizes;
import org.skein.cache.Cacheable;

/**
 * Copies of database rows in a (clustered, near-cached) cache, kept right without a lock.
 *
 * <p>A writer commits to the database and then {@linkplain #invalidate invalidates} the key by putting
 * a token that no other write puts. A reader that finds a copy uses it; one that finds nothing or a
 * token loads from the database and installs its copy only if the cache still holds what it found
 * ({@code putIfAbsent} or {@code replace} of that very token). A reader that loaded before a commit can
 * therefore never install its stale copy after the writer's token: the token differs from what it saw.
 * Copies of absent rows are kept too (as empty), so "is there such a node?" does not read the database
 * every time.
 *
 * <p>A near cache may show another node's old copy for the moment its invalidation takes to arrive.
 * Thread-safe.
 *
 * @param <V> the copy's type
 */
final class ReadThroughCache<V extends Serializable> {

    /** A copy of a row (or of its absence: {@code value} null). */
    record Loaded(Serializable value, int size) implements Serializable, Cacheable {
        private static final long serialVersionUID = 1L;

        @Override
        public int getCachedSize() {
            return size;
        }
    }

    /** What a writer leaves: the row changed, read it again. */
    record Token(String id) implements Serializable, Cacheable {
        private static final long serialVersionUID = 1L;

        @Override
        public int getCachedSize() {
            return 96;
        }
    }

    private final Cache<String, Serializable> cache;

    ReadThroughCache(Cache<String, Serializable> cache) {
        this.cache = Objects.requireNonNull(cache, "cache");
    }

    /** The copy of a key, loaded with {@code loader} (which returns {@code null} for an absent row) when needed. */
    V get(String key, Supplier<V> loader) {
        return get(key, loader, false);
    }

    /**
     * Like {@link #get(String, Supplier)}; with {@code latest}, the cache's copy is read from the member
     * that owns it, never from this node's near copy: a writer's token is seen as soon as the writer put it.
     */
    @SuppressWarnings("unchecked")
    V get(String key, Supplier<V> loader, boolean latest) {
        Serializable current = latest ? cache.getLatest(key) : cache.get(key);
        if (current instanceof Loaded loaded) {
            return (V) loaded.value();
        }
        V value = loader.get();
        Loaded fresh = new Loaded(value, sizeOf(value));
        if (current == null) {
            cache.putIfAbsent(key, fresh);
        } else {
            cache.replace(key, current, fresh);
        }
        return value;
    }

    /** After a committed change: the next read loads again. */
    void invalidate(String key) {
        cache.put(key, new Token(UUID.randomUUID().toString()));
    }

    /** Forgets every copy (after a split brain: the database is what both sides converge to). */
    void clear() {
        cache.clear();
    }

    private static int sizeOf(Object value) {
        if (value == null) {
            return 64;
        }
        return (int) Math.min(Integer.MAX_VALUE, 64 + CacheSizes.sizeOf(value));
    }
}
