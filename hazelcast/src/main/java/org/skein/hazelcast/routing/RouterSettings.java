package org.skein.hazelcast.routing;

import java.time.Duration;
import org.skein.config.ConfigException;
import org.skein.config.ServerConfig;

/**
 * The remote packet router's keys in the node's {@code conf/skein.properties}, read and checked at
 * once. Every error names the file, the key and what was expected.
 *
 * <table>
 *   <caption>Keys</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code hazelcast.router.queueSize}</td><td>5000</td>
 *       <td>stanzas that may wait for one destination node; a sender waits when it is full</td></tr>
 *   <tr><td>{@code hazelcast.router.enqueueTimeout}</td><td>5s</td>
 *       <td>how long a sender waits for room; then the stanza is handled as undeliverable</td></tr>
 *   <tr><td>{@code hazelcast.router.batchSize}</td><td>500</td><td>at most this many stanzas per batch</td></tr>
 *   <tr><td>{@code hazelcast.router.batchBytes}</td><td>256KiB</td><td>at most this many bytes per batch (at least one stanza)</td></tr>
 *   <tr><td>{@code hazelcast.router.batchesInFlight}</td><td>4</td><td>batches on their way to one destination at once
 *       (the destination delivers them in order); 1 makes each batch wait for the previous one's answer</td></tr>
 *   <tr><td>{@code hazelcast.router.batchTimeout}</td><td>30s</td>
 *       <td>a batch not acknowledged in this time has failed; its stanzas are handled as undeliverable</td></tr>
 *   <tr><td>{@code hazelcast.router.threads}</td><td>4</td><td>Hazelcast executor threads that take received batches on
 *       this node (the batches of up to this many other nodes at once) and hand them to the node's delivery
 *       ({@code cluster.inbound.threads} in the server sets the threads that deliver)</td></tr>
 * </table>
 *
 * @param queueSize stanzas that may wait per destination
 * @param enqueueTimeout how long a sender waits for room in a full queue
 * @param batchSize most stanzas per batch
 * @param batchBytes most bytes per batch
 * @param batchesInFlight most batches on their way to one destination
 * @param batchTimeout how long a batch may go unacknowledged
 * @param threads threads taking received batches
 */
public record RouterSettings(int queueSize, Duration enqueueTimeout, int batchSize, long batchBytes, int batchesInFlight,
                             Duration batchTimeout, int threads) {

    public static final String QUEUE_SIZE = "hazelcast.router.queueSize";
    public static final String ENQUEUE_TIMEOUT = "hazelcast.router.enqueueTimeout";
    public static final String BATCH_SIZE = "hazelcast.router.batchSize";
    public static final String BATCH_BYTES = "hazelcast.router.batchBytes";
    public static final String BATCHES_IN_FLIGHT = "hazelcast.router.batchesInFlight";
    public static final String BATCH_TIMEOUT = "hazelcast.router.batchTimeout";
    public static final String THREADS = "hazelcast.router.threads";

    /** The Hazelcast executor that carries the batches (one per member, configured by the strategy). */
    public static final String EXECUTOR = "skein-packet-router";

    /** The defaults. */
    public static RouterSettings defaults() {
        return new RouterSettings(5000, Duration.ofSeconds(5), 500, 256 * 1024, 4, Duration.ofSeconds(30), 4);
    }

    /**
     * Reads the keys.
     *
     * @throws ConfigException if a value is malformed or out of range
     */
    public static RouterSettings from(ServerConfig config) {
        RouterSettings d = defaults();
        int queueSize = config.getInt(QUEUE_SIZE, d.queueSize());
        if (queueSize < 1 || queueSize > 10_000_000) {
            throw bad(config, QUEUE_SIZE, queueSize, "a whole number from 1 to 10000000");
        }
        Duration enqueueTimeout = duration(config, ENQUEUE_TIMEOUT, d.enqueueTimeout());
        int batchSize = config.getInt(BATCH_SIZE, d.batchSize());
        if (batchSize < 1 || batchSize > 100_000) {
            throw bad(config, BATCH_SIZE, batchSize, "a whole number from 1 to 100000");
        }
        long batchBytes = config.getByteSize(BATCH_BYTES, d.batchBytes());
        if (batchBytes < 1024 || batchBytes > 64L * 1024 * 1024) {
            throw bad(config, BATCH_BYTES, config.get(BATCH_BYTES, String.valueOf(batchBytes)), "a size from 1KiB to 64MiB");
        }
        int batchesInFlight = config.getInt(BATCHES_IN_FLIGHT, d.batchesInFlight());
        if (batchesInFlight < 1 || batchesInFlight > 64) {
            throw bad(config, BATCHES_IN_FLIGHT, batchesInFlight, "a whole number from 1 to 64");
        }
        Duration batchTimeout = duration(config, BATCH_TIMEOUT, d.batchTimeout());
        if (batchTimeout.toMillis() < 100) {
            throw bad(config, BATCH_TIMEOUT, config.get(BATCH_TIMEOUT, batchTimeout.toMillis() + "ms"), "at least 100ms");
        }
        int threads = config.getInt(THREADS, d.threads());
        if (threads < 1 || threads > 256) {
            throw bad(config, THREADS, threads, "a whole number from 1 to 256");
        }
        return new RouterSettings(queueSize, enqueueTimeout, batchSize, batchBytes, batchesInFlight, batchTimeout, threads);
    }

    private static Duration duration(ServerConfig config, String key, Duration defaultValue) {
        Duration value;
        try {
            value = config.getDuration(key, defaultValue);
        } catch (ConfigException e) {
            throw e;
        } catch (RuntimeException e) {
            throw bad(config, key, config.get(key, ""), "a duration such as 500ms, 5s or 1m");
        }
        if (value == null || value.isNegative()) {
            throw bad(config, key, config.get(key, "-1"), "a duration such as 500ms, 5s or 1m (not -1)");
        }
        return value;
    }

    private static ConfigException bad(ServerConfig config, String key, Object value, String expected) {
        return new ConfigException(config.source() + ": key '" + key + "' is '" + value + "', expected " + expected);
    }
}
