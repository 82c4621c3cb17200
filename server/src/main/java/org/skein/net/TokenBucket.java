package org.skein.net;

import java.util.function.LongSupplier;

/**
 * A token bucket in bytes that may go into debt: {@link #take} always succeeds and says how long the
 * caller should wait before taking more. Filled at a fixed rate up to its size; starts full. Not
 * thread-safe (one per connection, used on its event loop).
 */
final class TokenBucket {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final long bytesPerSecond;
    private final long size;
    private final LongSupplier nanoTime;
    private long tokens;
    private long last;

    TokenBucket(long bytesPerSecond, long size, LongSupplier nanoTime) {
        if (bytesPerSecond < 1 || size < 1) {
            throw new IllegalArgumentException("rate and size must be positive");
        }
        this.bytesPerSecond = bytesPerSecond;
        this.size = size;
        this.nanoTime = nanoTime;
        this.tokens = size;
        this.last = nanoTime.getAsLong();
    }

    /** Takes {@code bytes}; returns the nanoseconds until the bucket is out of debt again (0 if it is not in debt). */
    long take(long bytes) {
        refill();
        tokens -= bytes;
        return debtNanos();
    }

    /** The nanoseconds until the bucket is out of debt (0 if it is not in debt). */
    long debtNanos() {
        refill();
        if (tokens >= 0) {
            return 0;
        }
        long debt = -tokens;
        // ceil(debt / rate) in nanoseconds, without overflow for debts up to a few GiB
        return (long) Math.ceil(debt * (double) NANOS_PER_SECOND / bytesPerSecond);
    }

    private void refill() {
        long now = nanoTime.getAsLong();
        long elapsed = now - last;
        if (elapsed <= 0) {
            return;
        }
        long earned = (long) (elapsed * (double) bytesPerSecond / NANOS_PER_SECOND);
        if (earned == 0) {
            return; // keep the elapsed time for the next call, so that small steps add up
        }
        last = now;
        tokens = Math.min(size, tokens + earned);
    }
}
