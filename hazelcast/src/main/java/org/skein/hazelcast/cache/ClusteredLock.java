package org.skein.hazelcast.cache;

import com.hazelcast.map.IMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cluster-wide lock on one key of a clustered cache: Hazelcast's per-key map lock, owned by the
 * thread that took it on this member and reentrant. Not safe against a split brain: each side may
 * grant it. {@link #lockInterruptibly()} does answer interrupts (it waits in short slices).
 */
final class ClusteredLock<K> implements Lock {

    private static final Logger LOG = LoggerFactory.getLogger(ClusteredLock.class);
    private static final long SLICE_MILLIS = 100;

    private final IMap<K, ?> map;
    private final K key;

    ClusteredLock(IMap<K, ?> map, K key) {
        this.map = map;
        this.key = key;
    }

    @Override
    public void lock() {
        map.lock(key);
    }

    @Override
    public void lockInterruptibly() throws InterruptedException {
        while (!map.tryLock(key, SLICE_MILLIS, TimeUnit.MILLISECONDS)) {
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while waiting for the lock on key " + key + " of cache '" + map.getName() + "'");
            }
        }
    }

    @Override
    public boolean tryLock() {
        return map.tryLock(key);
    }

    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        return map.tryLock(key, time, unit);
    }

    /**
     * Releases the lock. When a split brain's merge reset this member (a new member UUID, lock state of
     * the smaller side dropped) between lock and unlock, the lock is no longer this thread's: it is
     * already released as far as the cluster is concerned, so that is logged and not thrown (a caller
     * in the middle of cleaning up after a departed node would otherwise stop half-way).
     */
    @Override
    public void unlock() {
        try {
            map.unlock(key);
        } catch (IllegalMonitorStateException lost) {
            LOG.warn("The lock on key {} of cache '{}' was lost before its unlock (a merge reset this member?): {}", key,
                    map.getName(), lost.getMessage());
        }
    }

    @Override
    public Condition newCondition() {
        throw new UnsupportedOperationException("cache locks have no conditions");
    }
}
