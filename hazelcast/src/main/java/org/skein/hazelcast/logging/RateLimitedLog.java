package org.skein.hazelcast.logging;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;

/**
 * Warnings that another member can cause over and over (unreadable batches, refused classes, garbage on
 * the cluster port), logged at most {@code burst} times per {@code interval} and kind; the rest are
 * counted, and the count is logged once as a summary ("N more ... in the last 60 s") with the first
 * warning of the next interval, or by {@link #flushSummaries()}. A member that sends garbage thousands of
 * times a second then costs a few lines a minute instead of megabytes.
 *
 * <p>The kind is a short fixed word chosen by the caller (never text from the network); at most
 * {@value #MAX_KINDS} kinds are tracked, further kinds share one. Thread-safe; the clock is injected.
 */
public final class RateLimitedLog {

    /** How many kinds are tracked apart; the rest share {@link #OTHER}. */
    static final int MAX_KINDS = 256;
    static final String OTHER = "other";

    private final Logger log;
    private final int burst;
    private final long intervalMillis;
    private final Clock clock;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    /** One interval of one kind. Guarded by itself. */
    private static final class Window {
        long start;
        int logged;
        long suppressed;

        Window(long start) {
            this.start = start;
        }
    }

    /**
     * @param log where the warnings go
     * @param burst how many warnings of a kind are logged per interval (at least 1)
     * @param interval the interval (at least 1 ms)
     * @param clock the clock that tells the intervals apart
     */
    public RateLimitedLog(Logger log, int burst, Duration interval, Clock clock) {
        this.log = Objects.requireNonNull(log, "log");
        if (burst < 1) {
            throw new IllegalArgumentException("burst must be at least 1: " + burst);
        }
        if (interval.toMillis() < 1) {
            throw new IllegalArgumentException("interval must be at least 1 ms: " + interval);
        }
        this.burst = burst;
        this.intervalMillis = interval.toMillis();
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The plugin's usual limit: 10 warnings per kind and minute. */
    public static RateLimitedLog perMinute(Logger log, Clock clock) {
        return new RateLimitedLog(log, 10, Duration.ofMinutes(1), clock);
    }

    /**
     * Logs a warning of this kind if the kind's budget for the current interval allows it, else counts it.
     *
     * @param kind a short fixed word naming what happened, such as {@code unreadable-batch}
     * @return whether the warning was logged
     */
    public boolean warn(String kind, String format, Object... arguments) {
        Window window = window(kind);
        long now = clock.millis();
        long suppressedBefore;
        boolean logIt;
        synchronized (window) {
            suppressedBefore = rollIfOver(window, now);
            logIt = window.logged < burst;
            if (logIt) {
                window.logged++;
            } else {
                window.suppressed++;
            }
        }
        if (suppressedBefore > 0) {
            summary(kind, suppressedBefore);
        }
        if (logIt) {
            log.warn(format, arguments);
        }
        return logIt;
    }

    /** Logs the summaries of the intervals that are over (a caller may run this now and then, so a flood that stopped is summed up too). */
    public void flushSummaries() {
        long now = clock.millis();
        for (Map.Entry<String, Window> entry : windows.entrySet()) {
            long suppressed;
            synchronized (entry.getValue()) {
                suppressed = rollIfOver(entry.getValue(), now);
            }
            if (suppressed > 0) {
                summary(entry.getKey(), suppressed);
            }
        }
    }

    /** How many warnings of a kind were counted and not logged in the current interval (for tests and figures). */
    public long suppressed(String kind) {
        Window window = windows.get(kind);
        if (window == null) {
            return 0;
        }
        synchronized (window) {
            return window.suppressed;
        }
    }

    /** Starts a new interval if the window's is over; answers how many were suppressed in the one that ended. */
    private long rollIfOver(Window window, long now) {
        if (now - window.start < intervalMillis) {
            return 0;
        }
        long suppressed = window.suppressed;
        window.start = now;
        window.logged = 0;
        window.suppressed = 0;
        return suppressed;
    }

    private void summary(String kind, long suppressed) {
        log.warn("{} more warning(s) of kind '{}' were not logged in the last {} s (at most {} per interval)", suppressed, kind,
                Math.max(1, intervalMillis / 1000), burst);
    }

    private Window window(String kind) {
        Window window = windows.get(kind);
        if (window != null) {
            return window;
        }
        String key = windows.size() >= MAX_KINDS ? OTHER : kind;
        return windows.computeIfAbsent(key, k -> new Window(clock.millis()));
    }
}
