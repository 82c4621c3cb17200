package org.skein.mam;

import java.time.Duration;
import org.skein.config.ConfigException;
import org.skein.config.ServerConfig;

/**
 * How the {@link ArchiveWriter} batches and retries, from the node's configuration.
 *
 * @param queue {@value #QUEUE_KEY}: the most writes waiting for the writer (a message is one write of one or two rows)
 * @param batch {@value #BATCH_KEY}: the most writes in one transaction
 * @param fullWait {@value #FULL_WAIT_KEY}: how long a sender waits for room when the queue is full before it
 *     writes its message itself, synchronously
 * @param firstRetry the first pause after a failed write; it doubles up to {@code maxRetry}
 * @param maxRetry {@value #MAX_RETRY_KEY}: the longest pause between two attempts while the database fails
 * @param closeTimeout {@value #CLOSE_TIMEOUT_KEY}: how long a stopping node keeps trying to write what is queued
 *     into a failing database before it gives up (and logs what is lost)
 * @param linger {@value #LINGER_KEY}: how long the writer, woken by a write, lets more writes gather before it
 *     takes a batch that is not full ({@code 0}: at once). It bounds the writer's wake-ups and transactions to
 *     one per linger when messages come one at a time (a thread hand-off and a commit per message otherwise, on
 *     the cores the message path needs); a query started after a message waits up to this much longer for it
 */
public record ArchiveWriterSettings(int queue, int batch, Duration fullWait, Duration firstRetry, Duration maxRetry,
                                    Duration closeTimeout, Duration linger) {

    /** Config key of {@link #queue}. */
    public static final String QUEUE_KEY = "mam.writer.queue";
    /** Config key of {@link #batch}. */
    public static final String BATCH_KEY = "mam.writer.batch";
    /** Config key of {@link #fullWait}. */
    public static final String FULL_WAIT_KEY = "mam.writer.fullWait";
    /** Config key of {@link #maxRetry}. */
    public static final String MAX_RETRY_KEY = "mam.writer.maxRetry";
    /** Config key of {@link #closeTimeout}. */
    public static final String CLOSE_TIMEOUT_KEY = "mam.writer.closeTimeout";
    /** Config key of {@link #linger}. */
    public static final String LINGER_KEY = "mam.writer.linger";

    /**
     * The defaults: 10,000 writes queued, 500 per transaction, 1 s wait when full, retries from 50 ms to 5 s, 30 s at
     * stop, 2 ms linger.
     */
    public static final ArchiveWriterSettings DEFAULTS = new ArchiveWriterSettings(10_000, 500, Duration.ofSeconds(1),
            Duration.ofMillis(50), Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMillis(2));

    /** Settings without a linger (each write taken at once), as before {@code mam.writer.linger} existed. */
    public ArchiveWriterSettings(int queue, int batch, Duration fullWait, Duration firstRetry, Duration maxRetry,
                                 Duration closeTimeout) {
        this(queue, batch, fullWait, firstRetry, maxRetry, closeTimeout, Duration.ZERO);
    }

    public ArchiveWriterSettings {
        if (queue < 1 || batch < 1) {
            throw new IllegalArgumentException("queue and batch must be positive");
        }
        if (fullWait.isNegative() || firstRetry.isNegative() || firstRetry.isZero() || maxRetry.compareTo(firstRetry) < 0
                || closeTimeout.isNegative() || linger.isNegative()) {
            throw new IllegalArgumentException("durations must be positive, maxRetry at least firstRetry");
        }
    }

    /**
     * Reads the {@code mam.writer.*} keys.
     *
     * @throws ConfigException naming the file, the key and what was expected when a value is unusable
     */
    public static ArchiveWriterSettings from(ServerConfig config) {
        return new ArchiveWriterSettings(
                positive(config, QUEUE_KEY, DEFAULTS.queue(), "a number of queued messages such as 10000"),
                positive(config, BATCH_KEY, DEFAULTS.batch(), "a number of messages per transaction such as 500"),
                duration(config, FULL_WAIT_KEY, DEFAULTS.fullWait(), false),
                DEFAULTS.firstRetry(),
                max(duration(config, MAX_RETRY_KEY, DEFAULTS.maxRetry(), true), DEFAULTS.firstRetry()),
                duration(config, CLOSE_TIMEOUT_KEY, DEFAULTS.closeTimeout(), false),
                duration(config, LINGER_KEY, DEFAULTS.linger(), false));
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static int positive(ServerConfig config, String key, int defaultValue, String expected) {
        int value = config.getInt(key, defaultValue);
        if (value < 1) {
            throw new ConfigException(config.source() + ": key '" + key + "' is '" + config.get(key, "") + "', expected " + expected);
        }
        return value;
    }

    private static Duration duration(ServerConfig config, String key, Duration defaultValue, boolean nonZero) {
        Duration value = config.getDuration(key, defaultValue);
        if (value == null || value.isNegative() || nonZero && value.isZero()) {
            throw new ConfigException(config.source() + ": key '" + key + "' is '" + config.get(key, "") + "', expected a duration such as "
                    + defaultValue.toMillis() + "ms");
        }
        return value;
    }
}
