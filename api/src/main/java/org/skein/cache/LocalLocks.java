package org.skein.cache;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * JVM-local locks by key, created on demand and dropped when no thread holds or waits for them.
 * Unlike Openfire's LocalLock, a failed {@code tryLock} gives its reference back, so the table
 * never leaks.
 */
final class LocalLocks {

    private final ConcurrentHashMap<Object, Entry> locks = new ConcurrentHashMap<>();

    Lock forKey(Object key) {
        return new KeyLock(key);
    }

    /** Locks currently held or waited for; for tests. */
    int activeLocks() {
        return locks.size();
    }

    private Entry acquire(Object key) {
        return locks.compute(key, (k, e) -> {
            Entry entry = e == null ? new Entry() : e;
            entry.references++;
            return entry;
        });
    }

    private void release(Object key) {
        locks.computeIfPresent(key, (k, e) -> --e.references == 0 ? null : e);
    }

    private static final class Entry {
        final ReentrantLock lock = new ReentrantLock();
        int references; // guarded by the map's compute
    }

    private final class KeyLock implements Lock {
        private final Object key;
        private final Deque<Entry> held = new ArrayDeque<>(1);

        KeyLock(Object key) {
            this.key = key;
        }

        @Override
        public void lock() {
            Entry entry = acquire(key);
            entry.lock.lock();
            held.push(entry);
        }

        @Override
        public void lockInterruptibly() throws InterruptedException {
            Entry entry = acquire(key);
            try {
                entry.lock.lockInterruptibly();
            } catch (InterruptedException e) {
                release(key);
                throw e;
            }
            held.push(entry);
        }

        @Override
        public boolean tryLock() {
            Entry entry = acquire(key);
            if (entry.lock.tryLock()) {
                held.push(entry);
                return true;
            }
            release(key);
            return false;
        }

        @Override
        public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
            Entry entry = acquire(key);
            boolean locked = false;
            try {
                locked = entry.lock.tryLock(time, unit);
            } finally {
                if (locked) {
                    held.push(entry);
                } else {
                    release(key);
                }
            }
            return locked;
        }

        @Override
        public void unlock() {
            Entry entry = held.peek();
            if (entry == null) {
                throw new IllegalMonitorStateException("lock for key " + key + " is not held through this object");
            }
            entry.lock.unlock(); // throws IllegalMonitorStateException for another thread, before any change
            held.pop();
            release(key);
        }

        @Override
        public Condition newCondition() {
            throw new UnsupportedOperationException("cache locks have no conditions");
        }
    }
}
