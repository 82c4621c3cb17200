package org.skein.admin;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Slows down password guessing on the admin console: after {@code freeAttempts} failed logins from
 * one address, that address must wait before it may try again, twice as long after each further
 * failure (capped at {@code maxDelay}), whatever the password. A success clears the address.
 * Failures are forgotten after {@code maxDelay} of quiet.
 */
final class LoginThrottle {

    private final Clock clock;
    private final int freeAttempts;
    private final Duration baseDelay;
    private final Duration maxDelay;
    private final Cache<String, Failures> failures;

    LoginThrottle(Clock clock, int freeAttempts, Duration baseDelay, Duration maxDelay) {
        this.clock = clock;
        this.freeAttempts = freeAttempts;
        this.baseDelay = baseDelay;
        this.maxDelay = maxDelay;
        this.failures = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(maxDelay.multipliedBy(2)).build();
    }

    /** How long the address must still wait, if it must. */
    Optional<Duration> retryAfter(String address) {
        Failures f = failures.getIfPresent(address);
        if (f == null || f.count < freeAttempts) {
            return Optional.empty();
        }
        Duration wait = Duration.between(clock.instant(), f.blockedUntil);
        return wait.isNegative() || wait.isZero() ? Optional.empty() : Optional.of(wait);
    }

    void failed(String address) {
        failures.asMap().compute(address, (a, f) -> {
            int count = f == null ? 1 : f.count + 1;
            Instant until = clock.instant();
            if (count >= freeAttempts) {
                long factor = 1L << Math.min(20, count - freeAttempts);
                Duration delay = baseDelay.multipliedBy(factor);
                until = until.plus(delay.compareTo(maxDelay) > 0 ? maxDelay : delay);
            }
            return new Failures(count, until);
        });
    }

    void succeeded(String address) {
        failures.invalidate(address);
    }

    private record Failures(int count, Instant blockedUntil) {
    }
}
