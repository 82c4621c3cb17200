package org.skein.cache;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The cache every caller holds: a {@link Cache} whose storage (its delegate) is replaced when the node
 * joins or leaves a cluster, so that references stay valid.
 *
 * <p>A move ({@link #moveTo}) loses no write and blocks writers only briefly. The new storage is made,
 * and the content copied into it, while writers go on writing to the old one; the keys they write
 * meanwhile are noted. Then the swap: every write is counted in a {@link SwapGuard} for its duration;
 * the swap waits until no write is in progress, keeps new ones out while it copies the noted keys again
 * and switches the delegate. Writers that arrive during the swap wait for it and then write to the new
 * delegate. Reads take no lock; until the swap they see the old content.
 *
 * <p>The wrapper also rebuilds a local cache whose policies cannot take a new budget or lifetime
 * (an unlimited or eternal cache given a bound): the new cache gets the content through the same
 * swap. Entries copied that way count their lifetime from the change.
 *
 * <p>Entry listeners are registered here and moved to the new delegate on every swap, so a listener
 * keeps hearing of changes whichever storage is in use. Locks from {@link #getLock} unlock the
 * delegate lock they acquired even if a swap happened in between.
 *
 * @param <K> key type
 * @param <V> value type
 */
final class CacheWrapper<K, V> implements Cache<K, V> {

    private final String name;
    private final boolean localOnly;
    private final SwapGuard guard = new SwapGuard();
    /** Guarded by itself; registering may talk to other nodes, so no read or write ever takes this monitor. */
    private final Map<String, ListenerRegistration<K, V>> listeners = new ConcurrentHashMap<>();
    /** Taken by a move for its whole length; no reader or writer ever takes it. */
    private final ReentrantLock moveLock = new ReentrantLock();
    private volatile Cache<K, V> delegate;
    /** The storage the entry listeners are registered on: the delegate, or the next one during a move. */
    private Cache<K, V> listenerTarget;
    private volatile CacheStorage storage;
    /** While a move copies the content: the keys written meanwhile, copied again at the swap. */
    private volatile Writes<K> writesDuringCopy;

    CacheWrapper(Cache<K, V> delegate, CacheStorage storage, boolean localOnly) {
        this.name = delegate.getName();
        this.delegate = delegate;
        this.listenerTarget = delegate;
        this.storage = storage;
        this.localOnly = localOnly;
    }

    /** The storage the delegate came from. */
    CacheStorage storage() {
        return storage;
    }

    /** Whether this cache stays in this JVM when the node joins a cluster. */
    boolean isLocalOnly() {
        return localOnly;
    }

    /** The storage in use now; for the cache factory, statistics and tests. */
    Cache<K, V> getDelegate() {
        return delegate;
    }

    /**
     * Moves this cache to another storage (nothing if it is there already): a new delegate is made
     * there with this cache's budget and lifetime, filled with the current content if
     * {@code copyContent}, and swapped in. A local delegate that is left behind is cleared; a clustered
     * one keeps its shared content for the other nodes.
     */
    void moveTo(CacheStorage target, boolean copyContent) {
        moveLock.lock();
        try {
            if (storage == target) {
                return;
            }
            Cache<K, V> old = delegate;
            Cache<K, V> fresh = target.createCache(name, CacheSettings.of(old));
            Map<K, V> copied = Map.of();
            if (copyContent) {
                // a brief barrier: every write that starts from here on notes its key
                guard.beginSwap();
                writesDuringCopy = new Writes<>();
                guard.endSwap();
                // a weakly consistent read while writers go on (a key may show up twice): the last one wins
                copied = new HashMap<>(old);
                if (!copied.isEmpty()) {
                    fresh.putAll(copied);
                }
            }
            // the listeners move first: from here on they hear the new storage (other nodes' writes, and
            // this node's writes of the last moments once they are copied again), and nothing twice
            moveListeners(old, fresh);
            guard.beginSwap();
            try {
                Writes<K> writes = writesDuringCopy;
                writesDuringCopy = null;
                if (writes != null) {
                    copyAgain(writes, copied, old, fresh);
                }
                delegate = fresh;
                storage = target;
            } finally {
                guard.endSwap();
            }
            if (old instanceof LocalCache) {
                old.clear(); // let the local storage go; a clustered one is shared and stays
            }
        } finally {
            writesDuringCopy = null;
            moveLock.unlock();
        }
    }

    /** Under the swap: the keys written while the content was copied get the value they have now. */
    private void copyAgain(Writes<K> writes, Map<K, V> copied, Cache<K, V> old, Cache<K, V> fresh) {
        if (writes.cleared) {
            // conditional removes: a value another node wrote meanwhile stays
            copied.forEach(fresh::remove);
            for (K key : old.keySet()) {
                V now = old.get(key);
                if (now != null) {
                    fresh.put(key, now);
                }
            }
            return;
        }
        for (K key : writes.keys) {
            V now = old.get(key);
            V before = copied.get(key);
            if (now != null) {
                if (!now.equals(before)) {
                    fresh.put(key, now);
                }
            } else if (before != null) {
                fresh.remove(key, before);
            }
        }
    }

    /**
     * Moves the entry listeners to the new storage. Registration happens outside the swap (it may talk
     * to other nodes), so it is serialized with {@link #addCacheEntryListener} and
     * {@link #removeCacheEntryListener} by the listeners' own monitor, never taken by a read or write.
     */
    private void moveListeners(Cache<K, V> old, Cache<K, V> fresh) {
        synchronized (listeners) {
            for (ListenerRegistration<K, V> registration : listeners.values()) {
                old.removeCacheEntryListener(registration.delegateId);
                registration.delegateId = fresh.addCacheEntryListener(
                        registration.listener, registration.includeValues, registration.includeLocal);
            }
            listenerTarget = fresh;
        }
    }

    /** Notes a key written while a move copies the content. */
    private void written(Object key) {
        Writes<K> writes = writesDuringCopy;
        if (writes != null) {
            writes.add(key);
        }
    }

    /** The keys written during a move's copy. */
    private static final class Writes<K> {
        final Set<K> keys = ConcurrentHashMap.newKeySet();
        volatile boolean cleared;

        @SuppressWarnings("unchecked")
        void add(Object key) {
            keys.add((K) key);
        }
    }

    /**
     * Replaces the local delegate with a rebuilt one (a new budget or lifetime its policies cannot take):
     * waits for writes in progress, copies the content (in this JVM), moves the listeners.
     */
    private void rebuild(Cache<K, V> newDelegate) {
        guard.beginSwap();
        try {
            Cache<K, V> old = delegate;
            if (!old.isEmpty()) {
                newDelegate.putAll(Map.copyOf(old));
            }
            moveListeners(old, newDelegate);
            delegate = newDelegate;
            old.clear();
        } finally {
            guard.endSwap();
        }
    }

    @Override
    public String getName() {
        return name;
    }

    /** The policy of the storage in use now (it changes when the node joins or leaves a cluster). */
    @Override
    public CachePolicy policy() {
        return delegate.policy();
    }

    @Override
    public long getMaxCacheSize() {
        return delegate.getMaxCacheSize();
    }

    @Override
    public synchronized void setMaxCacheSize(long maxSize) {
        Cache<K, V> current = delegate;
        CacheSettings wanted = new CacheSettings(maxSize, current.getMaxLifetime());
        if (current instanceof LocalCache && !((LocalCache<K, V>) current).canApply(wanted)) {
            rebuild(((LocalCache<K, V>) current).rebuiltWith(wanted));
            return;
        }
        current.setMaxCacheSize(maxSize);
    }

    @Override
    public long getMaxLifetime() {
        return delegate.getMaxLifetime();
    }

    @Override
    public synchronized void setMaxLifetime(long maxLifetime) {
        Cache<K, V> current = delegate;
        CacheSettings wanted = new CacheSettings(current.getMaxCacheSize(), maxLifetime);
        if (current instanceof LocalCache && !((LocalCache<K, V>) current).canApply(wanted)) {
            rebuild(((LocalCache<K, V>) current).rebuiltWith(wanted));
            return;
        }
        current.setMaxLifetime(maxLifetime);
    }

    @Override
    public long getLongCacheSize() {
        return delegate.getLongCacheSize();
    }

    @Override
    public long getCacheHits() {
        return delegate.getCacheHits();
    }

    @Override
    public long getCacheMisses() {
        return delegate.getCacheMisses();
    }

    @Override
    public Lock getLock(K key) {
        return new SwapSafeLock(key);
    }

    @Override
    public String addCacheEntryListener(CacheEntryListener<K, V> listener, boolean includeValues, boolean includeLocal) {
        synchronized (listeners) {
            ListenerRegistration<K, V> registration = new ListenerRegistration<>(listener, includeValues, includeLocal);
            registration.delegateId = listenerTarget.addCacheEntryListener(listener, includeValues, includeLocal);
            String id = UUID.randomUUID().toString();
            listeners.put(id, registration);
            return id;
        }
    }

    @Override
    public void removeCacheEntryListener(String listenerId) {
        synchronized (listeners) {
            ListenerRegistration<K, V> registration = listeners.remove(listenerId);
            if (registration != null) {
                listenerTarget.removeCacheEntryListener(registration.delegateId);
            }
        }
    }

    // --- reads: no lock ---

    @Override
    public V get(Object key) {
        return delegate.get(key);
    }

    @Override
    public V getLatest(K key) {
        return delegate.getLatest(key);
    }

    @Override
    public boolean containsKey(Object key) {
        return delegate.containsKey(key);
    }

    @Override
    public boolean containsValue(Object value) {
        return delegate.containsValue(value);
    }

    @Override
    public int size() {
        return delegate.size();
    }

    @Override
    public boolean isEmpty() {
        return delegate.isEmpty();
    }

    @Override
    public Set<K> keySet() {
        return delegate.keySet();
    }

    @Override
    public Collection<V> values() {
        return delegate.values();
    }

    @Override
    public Set<Entry<K, V>> entrySet() {
        return delegate.entrySet();
    }

    // --- writes: counted by the guard, so that a swap waits for them ---

    @Override
    public V put(K key, V value) {
        int stripe = guard.enter();
        try {
            written(key);
            return delegate.put(key, value);
        } finally {
            guard.exit(stripe);
        }
    }

    @Override
    public void putAll(Map<? extends K, ? extends V> entries) {
        int stripe = guard.enter();
        try {
            entries.keySet().forEach(this::written);
            delegate.putAll(entries);
        } finally {
            guard.exit(stripe);
        }
    }

    @Override
    public V putIfAbsent(K key, V value) {
        int stripe = guard.enter();
        try {
            written(key);
            return delegate.putIfAbsent(key, value);
        } finally {
            guard.exit(stripe);
        }
    }

    @Override
    public V remove(Object key) {
        int stripe = guard.enter();
        try {
            written(key);
            return delegate.remove(key);
        } finally {
            guard.exit(stripe);
        }
    }

    @Override
    public void removeAll(Collection<? extends K> keys) {
        int stripe = guard.enter();
        try {
            keys.forEach(this::written);
            delegate.removeAll(keys);
        } finally {
            guard.exit(stripe);
        }
    }

    @Override
    public boolean remove(Object key, Object value) {
        int stripe = guard.enter();
        try {
            written(key);
            return delegate.remove(key, value);
        } finally {
            guard.exit(stripe);
        }
    }

    @Override
    public boolean replace(K key, V oldValue, V newValue) {
        int stripe = guard.enter();
        try {
            written(key);
            return delegate.replace(key, oldValue, newValue);
        } finally {
            guard.exit(stripe);
        }
    }

    @Override
    public V replace(K key, V value) {
        int stripe = guard.enter();
        try {
            written(key);
            return delegate.replace(key, value);
        } finally {
            guard.exit(stripe);
        }
    }

    @Override
    public void clear() {
        int stripe = guard.enter();
        try {
            Writes<K> writes = writesDuringCopy;
            if (writes != null) {
                writes.cleared = true;
            }
            delegate.clear();
        } finally {
            guard.exit(stripe);
        }
    }

    @Override
    public V computeIfAbsent(K key, Function<? super K, ? extends V> mappingFunction) {
        int stripe = guard.enter();
        try {
            written(key);
            return delegate.computeIfAbsent(key, mappingFunction);
        } finally {
            guard.exit(stripe);
        }
    }

    @Override
    public V computeIfPresent(K key, BiFunction<? super K, ? super V, ? extends V> remappingFunction) {
        int stripe = guard.enter();
        try {
            written(key);
            return delegate.computeIfPresent(key, remappingFunction);
        } finally {
            guard.exit(stripe);
        }
    }

    @Override
    public V compute(K key, BiFunction<? super K, ? super V, ? extends V> remappingFunction) {
        int stripe = guard.enter();
        try {
            written(key);
            return delegate.compute(key, remappingFunction);
        } finally {
            guard.exit(stripe);
        }
    }

    @Override
    public V merge(K key, V value, BiFunction<? super V, ? super V, ? extends V> remappingFunction) {
        int stripe = guard.enter();
        try {
            written(key);
            return delegate.merge(key, value, remappingFunction);
        } finally {
            guard.exit(stripe);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o == this || delegate.equals(o);
    }

    @Override
    public int hashCode() {
        return delegate.hashCode();
    }

    @Override
    public String toString() {
        return "CacheWrapper{" + delegate + (localOnly ? ", local-only" : "") + "}";
    }

    private static final class ListenerRegistration<K, V> {
        final CacheEntryListener<K, V> listener;
        final boolean includeValues;
        final boolean includeLocal;
        volatile String delegateId;

        ListenerRegistration(CacheEntryListener<K, V> listener, boolean includeValues, boolean includeLocal) {
            this.listener = listener;
            this.includeValues = includeValues;
            this.includeLocal = includeLocal;
        }
    }

    /** Locks the delegate's lock for the key, and unlocks exactly the lock it locked. */
    private final class SwapSafeLock implements Lock {
        private final K key;
        private final Deque<Lock> acquired = new ArrayDeque<>(1);

        SwapSafeLock(K key) {
            this.key = key;
        }

        @Override
        public void lock() {
            Lock lock = delegate.getLock(key);
            lock.lock();
            acquired.push(lock);
        }

        @Override
        public void lockInterruptibly() throws InterruptedException {
            Lock lock = delegate.getLock(key);
            lock.lockInterruptibly();
            acquired.push(lock);
        }

        @Override
        public boolean tryLock() {
            Lock lock = delegate.getLock(key);
            if (lock.tryLock()) {
                acquired.push(lock);
                return true;
            }
            return false;
        }

        @Override
        public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
            Lock lock = delegate.getLock(key);
            if (lock.tryLock(time, unit)) {
                acquired.push(lock);
                return true;
            }
            return false;
        }

        @Override
        public void unlock() {
            Lock lock = acquired.peek();
            if (lock == null) {
                throw new IllegalMonitorStateException("lock for key " + key + " of cache '" + name + "' is not held through this object");
            }
            lock.unlock();
            acquired.pop();
        }

        @Override
        public Condition newCondition() {
            throw new UnsupportedOperationException("cache locks have no conditions");
        }
    }
}
