package org.skein.xmpp.sasl;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;
import org.skein.cache.Cache;
import org.skein.cache.CacheFactory;

/**
 * Slows down password guessing: each failed authentication is counted per client address and per
 * username (in the node-local {@value #CACHE_NAME} cache, whose entries expire), and the answer to
 * the next failure waits longer: {@code baseDelay * 2^(failures-1)}, at most {@code maxDelay}. The
 * caller schedules the failure reply after that delay; no thread waits. A success clears the
 * username's count. Thread-safe.
 */
public final class AuthFailureThrottle {

    /** Local cache of failure counts by {@code ip:<address>} and {@code user:<name>}. */
    public static final String CACHE_NAME = "auth.failures";

    private final Cache<String, Integer> failures;
    private final Duration baseDelay;
    private final Duration maxDelay;

    public AuthFailureThrottle(CacheFactory caches, Duration baseDelay, Duration maxDelay) {
        this.failures = caches.createLocalCache(CACHE_NAME);
        this.baseDelay = Objects.requireNonNull(baseDelay, "baseDelay");
        this.maxDelay = Objects.requireNonNull(maxDelay, "maxDelay");
    }

    /**
     * Counts a failure and returns how long to wait before telling the client.
     *
     * @param address the client's address, or {@code null}
     * @param username the username that was tried, or {@code null} if unknown
     */
    public Duration recordFailure(InetAddress address, String username) {
        int count = 0;
        if (address != null) {
            count = Math.max(count, failures.merge("ip:" + address.getHostAddress(), 1, Integer::sum));
        }
        if (username != null) {
            count = Math.max(count, failures.merge("user:" + username, 1, Integer::sum));
        }
        return delayFor(Math.max(count, 1));
    }

    /** Forgets the failures of a user who authenticated. */
    public void recordSuccess(String username) {
        failures.remove("user:" + username);
    }

    Duration delayFor(int failureCount) {
        if (baseDelay.isZero()) {
            return Duration.ZERO;
        }
        int shift = Math.min(failureCount - 1, 20);
        Duration delay = baseDelay.multipliedBy(1L << shift);
        return delay.compareTo(maxDelay) > 0 ? maxDelay : delay;
    }
}
