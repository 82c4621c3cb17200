package org.skein.cache;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Lets many writers run at once and one swap run alone: a "big reader" lock with striped counters,
 * so that a write costs two uncontended atomic operations on a counter of its own (chosen by thread
 * id and padded against false sharing), not a CAS on one shared word as a read-write lock would.
 *
 * <p>Writer: {@link #enter()} bumps its stripe, then reads the {@code swapping} flag; if a swap is
 * under way it backs out, waits for the swap to finish and tries again. {@link #exit()} drops the
 * stripe. Swap: {@link #beginSwap()} takes the swap mutex, raises the flag, then waits until every
 * stripe is zero; {@link #endSwap()} lowers the flag and releases the mutex, which wakes the waiting
 * writers. Both sides write one variable and then read the other (all volatile or atomic), so either
 * the writer sees the flag or the swap sees the writer's stripe: no write runs during a swap.
 *
 * <p>Not reentrant for a writer that meets a swap: a write made from inside another write of the
 * same cache (a compute function or a listener writing back) must not happen, as the cache contract
 * says.
 */
final class SwapGuard {

    private static final int STRIPES = 64;
    private static final int PAD = 16; // 16 longs = 128 bytes between two stripes
    private static final int MASK = STRIPES - 1;

    private final AtomicLongArray counters = new AtomicLongArray(STRIPES * PAD);
    private final ReentrantLock swapMutex = new ReentrantLock(true); // fair: writers that waited go before the next swap
    private volatile boolean swapping;

    /** Enters a write; returns the stripe to hand to {@link #exit(int)}. */
    int enter() {
        int stripe = stripe();
        while (true) {
            counters.getAndIncrement(stripe);
            if (!swapping) {
                return stripe;
            }
            counters.getAndDecrement(stripe);
            swapMutex.lock(); // blocks until the swap is over
            swapMutex.unlock();
        }
    }

    void exit(int stripe) {
        counters.getAndDecrement(stripe);
    }

    /** Waits for the writes in progress and keeps new ones out until {@link #endSwap()}. */
    void beginSwap() {
        swapMutex.lock();
        swapping = true;
        for (int i = 0; i < STRIPES; i++) {
            int index = i * PAD;
            while (counters.get(index) != 0) {
                Thread.onSpinWait();
            }
        }
    }

    void endSwap() {
        swapping = false;
        swapMutex.unlock();
    }

    private static int stripe() {
        long id = Thread.currentThread().getId();
        int hash = (int) (id ^ (id >>> 32)) * 0x9E3779B9;
        return ((hash >>> 16) & MASK) * PAD;
    }
}
