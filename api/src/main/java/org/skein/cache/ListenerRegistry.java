package org.skein.cache;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.skein.cluster.NodeID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry listeners of a local cache. Every change on a local cache is local, so only listeners
 * registered with {@code includeLocal} are told. A listener that throws is logged; the change it was
 * told of stands.
 */
final class ListenerRegistry<K, V> {

    private static final Logger LOG = LoggerFactory.getLogger(ListenerRegistry.class);

    private final String cacheName;
    private final NodeID localNode;
    private final List<Registration<K, V>> registrations = new CopyOnWriteArrayList<>();
    private volatile boolean active;

    ListenerRegistry(String cacheName, NodeID localNode) {
        this.cacheName = cacheName;
        this.localNode = localNode;
    }

    String add(CacheEntryListener<K, V> listener, boolean includeValues, boolean includeLocal) {
        String id = UUID.randomUUID().toString();
        if (includeLocal) {
            registrations.add(new Registration<>(id, listener, includeValues));
            active = true;
        }
        return id;
    }

    void remove(String id) {
        registrations.removeIf(r -> r.id.equals(id));
        active = !registrations.isEmpty();
    }

    /** Cheap check so that writes skip event work when nobody listens. */
    boolean isActive() {
        return active;
    }

    void added(K key, V value) {
        for (Registration<K, V> r : registrations) {
            try {
                r.listener.entryAdded(key, r.includeValues ? value : null, localNode);
            } catch (RuntimeException e) {
                logFailure(e);
            }
        }
    }

    void updated(K key, V oldValue, V newValue) {
        for (Registration<K, V> r : registrations) {
            try {
                r.listener.entryUpdated(key, r.includeValues ? oldValue : null, r.includeValues ? newValue : null, localNode);
            } catch (RuntimeException e) {
                logFailure(e);
            }
        }
    }

    void removed(K key, V oldValue) {
        for (Registration<K, V> r : registrations) {
            try {
                r.listener.entryRemoved(key, r.includeValues ? oldValue : null, localNode);
            } catch (RuntimeException e) {
                logFailure(e);
            }
        }
    }

    void evicted(K key, V oldValue) {
        for (Registration<K, V> r : registrations) {
            try {
                r.listener.entryEvicted(key, r.includeValues ? oldValue : null, localNode);
            } catch (RuntimeException e) {
                logFailure(e);
            }
        }
    }

    void cleared() {
        for (Registration<K, V> r : registrations) {
            try {
                r.listener.mapCleared(localNode);
            } catch (RuntimeException e) {
                logFailure(e);
            }
        }
    }

    /** Reports the change from {@code oldValue} to {@code newValue} (either may be null). */
    void changed(K key, V oldValue, V newValue) {
        if (oldValue == null && newValue != null) {
            added(key, newValue);
        } else if (oldValue != null && newValue == null) {
            removed(key, oldValue);
        } else if (oldValue != null && oldValue != newValue) {
            updated(key, oldValue, newValue);
        }
    }

    private void logFailure(RuntimeException e) {
        LOG.warn("An entry listener of cache '{}' failed", cacheName, e);
    }

    private record Registration<K, V>(String id, CacheEntryListener<K, V> listener, boolean includeValues) {
    }
}
