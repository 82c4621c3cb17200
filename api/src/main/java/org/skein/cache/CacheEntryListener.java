package org.skein.cache;

import org.skein.cluster.NodeID;

/**
 * Told of changes to a cache's entries, with the node the change came from. Register with
 * {@link Cache#addCacheEntryListener}. A registration survives the cache's switch between local and
 * clustered storage.
 *
 * <p>On a local cache the callbacks run synchronously on the thread that made the change, after it
 * was made. On a clustered cache they run on the clustering library's event threads, asynchronously,
 * and events for different keys may arrive in any order. Callbacks must be quick and must not write
 * to the cache they listen to.
 *
 * <p>Values are {@code null} when the listener was registered without values.
 *
 * @param <K> key type
 * @param <V> value type
 */
public interface CacheEntryListener<K, V> {

    default void entryAdded(K key, V newValue, NodeID origin) {
    }

    default void entryUpdated(K key, V oldValue, V newValue, NodeID origin) {
    }

    default void entryRemoved(K key, V oldValue, NodeID origin) {
    }

    /** The entry was evicted (byte budget) or expired (lifetime). */
    default void entryEvicted(K key, V oldValue, NodeID origin) {
    }

    /** Every entry was removed at once. */
    default void mapCleared(NodeID origin) {
    }
}
