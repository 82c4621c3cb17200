package org.skein.hazelcast.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.skein.config.ConfigException;
import org.skein.config.ServerConfig;

/**
 * The plugin's keys in the node's {@code conf/skein.properties}, read and checked at once. Every
 * error names the file, the key and what was expected.
 *
 * <table>
 *   <caption>Keys</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code hazelcast.localConfig}</td><td>{@code conf/hazelcast-local-config.xml}</td>
 *       <td>network and join settings of this node (relative to the node's home)</td></tr>
 *   <tr><td>{@code hazelcast.cacheConfig}</td><td>the one the plugin ships</td>
 *       <td>a cache configuration file that replaces the shipped one</td></tr>
 *   <tr><td>{@code hazelcast.startup.retries}</td><td>2</td><td>more attempts after a failed start</td></tr>
 *   <tr><td>{@code hazelcast.startup.retryDelay}</td><td>3s</td><td>wait between attempts</td></tr>
 *   <tr><td>{@code hazelcast.heartbeat.interval}</td><td>1s</td><td>how often members send heartbeats</td></tr>
 *   <tr><td>{@code hazelcast.heartbeat.timeout}</td><td>7s</td>
 *       <td>a member silent for this long is removed (a frozen node; a killed one goes at once)</td></tr>
 *   <tr><td>{@code hazelcast.merge.firstRunDelay}</td><td>60s</td><td>first look for another cluster to merge with</td></tr>
 *   <tr><td>{@code hazelcast.merge.nextRunDelay}</td><td>30s</td><td>then how often</td></tr>
 *   <tr><td>{@code cluster.task.threads}</td><td>8</td><td>threads that run cluster tasks on this node</td></tr>
 *   <tr><td>{@code cluster.task.queue}</td><td>10000</td><td>tasks that may wait for a thread; more are refused</td></tr>
 *   <tr><td>{@code cluster.secret}</td><td>none</td><td>the secret all nodes of the cluster share (at least
 *       16 characters); a member that cannot prove it is reported and left out of routing</td></tr>
 *   <tr><td>{@code hazelcast.handshake.timeout}</td><td>10s</td><td>a connection to the cluster port that has
 *       not completed the member or client handshake after this long is closed</td></tr>
 * </table>
 *
 * @param localConfigFile the node's local Hazelcast file
 * @param cacheConfigFile a cache configuration that replaces the shipped one, if set
 * @param startupRetries more attempts after a failed start
 * @param startupRetryDelay wait between attempts
 * @param heartbeatInterval how often members send heartbeats (whole seconds)
 * @param heartbeatTimeout silence after which a member is removed (whole seconds)
 * @param mergeFirstRunDelay first look for another cluster to merge with (whole seconds)
 * @param mergeNextRunDelay later looks (whole seconds)
 * @param taskThreads threads running cluster tasks on this node
 * @param taskQueue tasks waiting for a thread before more are refused
 * @param secret the cluster's shared secret, if set
 * @param handshakeTimeout how long a connection to the cluster port may stay without a completed handshake
 */
public record PluginSettings(
        Path localConfigFile,
        Optional<Path> cacheConfigFile,
        int startupRetries,
        Duration startupRetryDelay,
        Duration heartbeatInterval,
        Duration heartbeatTimeout,
        Duration mergeFirstRunDelay,
        Duration mergeNextRunDelay,
        int taskThreads,
        int taskQueue,
        Optional<ClusterSecret> secret,
        Duration handshakeTimeout) {

    public static final String LOCAL_CONFIG = "hazelcast.localConfig";
    public static final String CACHE_CONFIG = "hazelcast.cacheConfig";
    public static final String STARTUP_RETRIES = "hazelcast.startup.retries";
    public static final String STARTUP_RETRY_DELAY = "hazelcast.startup.retryDelay";
    public static final String HEARTBEAT_INTERVAL = "hazelcast.heartbeat.interval";
    public static final String HEARTBEAT_TIMEOUT = "hazelcast.heartbeat.timeout";
    public static final String MERGE_FIRST_RUN_DELAY = "hazelcast.merge.firstRunDelay";
    public static final String MERGE_NEXT_RUN_DELAY = "hazelcast.merge.nextRunDelay";
    public static final String TASK_THREADS = "cluster.task.threads";
    public static final String TASK_QUEUE = "cluster.task.queue";
    public static final String SECRET = "cluster.secret";
    public static final String HANDSHAKE_TIMEOUT = "hazelcast.handshake.timeout";

    /** The local file's name in {@code conf/}. */
    public static final String LOCAL_CONFIG_NAME = "hazelcast-local-config.xml";

    /**
     * Reads the keys.
     *
     * @param config the node's configuration
     * @param home the node's home, against which relative paths are resolved
     * @throws ConfigException if a value is malformed or out of range
     */
    public static PluginSettings from(ServerConfig config, Path home) {
        Path local = home.resolve(config.get(LOCAL_CONFIG, "conf/" + LOCAL_CONFIG_NAME)).normalize();
        Optional<Path> cache = config.get(CACHE_CONFIG).filter(value -> !value.isBlank())
                .map(value -> home.resolve(value).normalize());
        int retries = config.getInt(STARTUP_RETRIES, 2);
        if (retries < 0 || retries > 100) {
            throw bad(config, STARTUP_RETRIES, retries, "a whole number from 0 to 100");
        }
        Duration retryDelay = finite(config, STARTUP_RETRY_DELAY, Duration.ofSeconds(3));
        Duration interval = seconds(config, HEARTBEAT_INTERVAL, Duration.ofSeconds(1));
        Duration timeout = seconds(config, HEARTBEAT_TIMEOUT, Duration.ofSeconds(7));
        if (timeout.compareTo(interval.multipliedBy(2)) < 0) {
            throw bad(config, HEARTBEAT_TIMEOUT, config.get(HEARTBEAT_TIMEOUT, timeout.toSeconds() + "s"),
                    "at least twice " + HEARTBEAT_INTERVAL + " (" + interval.toSeconds() + "s)");
        }
        Duration firstMerge = seconds(config, MERGE_FIRST_RUN_DELAY, Duration.ofSeconds(60));
        Duration nextMerge = seconds(config, MERGE_NEXT_RUN_DELAY, Duration.ofSeconds(30));
        int threads = config.getInt(TASK_THREADS, 8);
        if (threads < 1 || threads > 1024) {
            throw bad(config, TASK_THREADS, threads, "a whole number from 1 to 1024");
        }
        int queue = config.getInt(TASK_QUEUE, 10_000);
        if (queue < 1) {
            throw bad(config, TASK_QUEUE, queue, "a whole number of at least 1 (the queue is always bounded)");
        }
        Optional<ClusterSecret> secret;
        try {
            secret = config.get(SECRET).filter(value -> !value.isBlank()).map(ClusterSecret::of);
        } catch (IllegalArgumentException e) {
            // never the value: it is a secret
            throw new ConfigException(config.source() + ": key '" + SECRET + "' is too short, expected at least "
                    + ClusterSecret.MIN_LENGTH + " characters (for example 64 hex digits: head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \\n')");
        }
        Duration handshake = finite(config, HANDSHAKE_TIMEOUT, Duration.ofSeconds(10));
        if (handshake.toMillis() < 1000) {
            throw bad(config, HANDSHAKE_TIMEOUT, config.get(HANDSHAKE_TIMEOUT, handshake.toMillis() + "ms"), "at least 1s, such as 10s");
        }
        return new PluginSettings(local, cache, retries, retryDelay, interval, timeout, firstMerge, nextMerge, threads, queue,
                secret, handshake);
    }

    private static Duration finite(ServerConfig config, String key, Duration defaultValue) {
        Duration value = config.getDuration(key, defaultValue);
        if (value == null) {
            throw bad(config, key, "-1", "a duration such as 500ms, 3s or 1m (not -1)");
        }
        return value;
    }

    private static Duration seconds(ServerConfig config, String key, Duration defaultValue) {
        Duration value = finite(config, key, defaultValue);
        if (value.toMillis() < 1000 || value.toMillis() % 1000 != 0) {
            throw bad(config, key, config.get(key, value.toMillis() + "ms"), "whole seconds of at least 1s, such as 1s, 8s or 2m");
        }
        return value;
    }

    private static ConfigException bad(ServerConfig config, String key, Object value, String expected) {
        return new ConfigException(config.source() + ": key '" + key + "' is '" + value + "', expected " + expected);
    }
}
