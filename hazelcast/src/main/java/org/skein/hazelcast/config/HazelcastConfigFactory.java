package org.skein.hazelcast.config;

import com.hazelcast.config.Config;
import com.hazelcast.config.ExecutorConfig;
import com.hazelcast.config.GlobalSerializerConfig;
import com.hazelcast.config.InvalidConfigurationException;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.XmlConfigBuilder;
import com.hazelcast.nio.serialization.StreamSerializer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.skein.config.ConfigException;
import org.skein.config.ServerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the Hazelcast configuration of one node from three sources, the first one winning:
 * <ol>
 *   <li>the node's {@code conf/hazelcast-local-config.xml}: cluster name, network and join, and
 *       anything else Hazelcast accepts (a {@code <map>} there overrides the cache configuration's
 *       entry of that name);</li>
 *   <li>the cache configuration: the one shipped in the plugin, or the file named by
 *       {@code hazelcast.cacheConfig};</li>
 *   <li>the plugin's safe defaults: no phone-home, bind to the configured interface only, no JVM
 *       shutdown hook (the node leaves the cluster itself), SLF4J logging; and the failure detection
 *       and merge timings of {@link PluginSettings}, which an explicit key in skein.properties sets
 *       even over a property in the local file.</li>
 * </ol>
 * Every error names the file and what Hazelcast or the plugin expected there.
 */
public final class HazelcastConfigFactory {

    private static final Logger LOG = LoggerFactory.getLogger(HazelcastConfigFactory.class);

    /** The cache configuration shipped in the plugin, beside this class. */
    static final String SHIPPED_CACHE_CONFIG = "hazelcast-cache-config.xml";

    /** The executor that runs cluster tasks, bounded by {@code cluster.task.threads} and {@code cluster.task.queue}. */
    public static final String TASK_EXECUTOR = "skein-cluster-tasks";

    private final PluginSettings settings;
    private final ServerConfig serverConfig;

    /**
     * @param settings the plugin's settings
     * @param serverConfig the node's configuration, to tell which timings an operator set explicitly
     */
    public HazelcastConfigFactory(PluginSettings settings, ServerConfig serverConfig) {
        this.settings = settings;
        this.serverConfig = serverConfig;
    }

    /**
     * The Hazelcast properties for failure detection and split-brain merging that follow from the
     * settings, by the skein.properties key they come from.
     */
    static Map<String, Map.Entry<String, String>> timingProperties(PluginSettings settings) {
        return Map.of(
                PluginSettings.HEARTBEAT_INTERVAL, Map.entry("hazelcast.heartbeat.interval.seconds",
                        Long.toString(settings.heartbeatInterval().toSeconds())),
                PluginSettings.HEARTBEAT_TIMEOUT, Map.entry("hazelcast.max.no.heartbeat.seconds",
                        Long.toString(settings.heartbeatTimeout().toSeconds())),
                PluginSettings.MERGE_FIRST_RUN_DELAY, Map.entry("hazelcast.merge.first.run.delay.seconds",
                        Long.toString(settings.mergeFirstRunDelay().toSeconds())),
                PluginSettings.MERGE_NEXT_RUN_DELAY, Map.entry("hazelcast.merge.next.run.delay.seconds",
                        Long.toString(settings.mergeNextRunDelay().toSeconds())));
    }

    /**
     * Reads the files and builds a configuration with everything but the node-specific parts (name,
     * attributes, listeners, class loader, serialization), which the caller adds.
     *
     * @throws ConfigException if a file is missing, unreadable or not a valid Hazelcast configuration
     */
    public Config build() {
        Config config = read(settings.localConfigFile());
        Config caches = settings.cacheConfigFile().map(HazelcastConfigFactory::read).orElseGet(HazelcastConfigFactory::readShipped);
        String cacheSource = settings.cacheConfigFile().map(Path::toString).orElse("the plugin's " + SHIPPED_CACHE_CONFIG);
        for (Map.Entry<String, MapConfig> map : caches.getMapConfigs().entrySet()) {
            if (config.getMapConfigs().containsKey(map.getKey())) {
                LOG.info("Cache map '{}' is configured in {}, which overrides {}", map.getKey(), settings.localConfigFile(), cacheSource);
            } else {
                config.addMapConfig(map.getValue());
            }
        }
        checkJoin(config);
        defaultProperty(config, "hazelcast.phone.home.enabled", "false");
        defaultProperty(config, "hazelcast.socket.bind.any", "false");
        defaultProperty(config, "hazelcast.shutdownhook.enabled", "false");
        defaultProperty(config, "hazelcast.logging.type", "slf4j");
        defaultProperty(config, "hazelcast.graceful.shutdown.max.wait", "60");
        // near caches (routes, users, rosters) learn of another node's write when its invalidation
        // arrives: send each at once instead of in batches, which can hold one back for seconds
        defaultProperty(config, "hazelcast.map.invalidation.batch.enabled", "false");
        timingProperties(settings).forEach((skeinKey, property) -> {
            if (serverConfig.get(skeinKey).isPresent()) {
                config.setProperty(property.getKey(), property.getValue());
            } else {
                defaultProperty(config, property.getKey(), property.getValue());
            }
        });
        config.addExecutorConfig(new ExecutorConfig(TASK_EXECUTOR)
                .setPoolSize(settings.taskThreads())
                .setQueueCapacity(settings.taskQueue())
                .setStatisticsEnabled(true));
        return config;
    }

    /** Adds the plugin's serializer for Java objects in place of Hazelcast's own Java serialization. */
    public static void useSerializer(Config config, StreamSerializer<Object> serializer, JavaSerializationFilterConfig filter) {
        config.getSerializationConfig()
                .setGlobalSerializerConfig(new GlobalSerializerConfig()
                        .setImplementation(serializer)
                        .setOverrideJavaSerialization(true))
                .setJavaSerializationFilterConfig(filter);
    }

    private void checkJoin(Config config) {
        JoinConfig join = config.getNetworkConfig().getJoin();
        boolean discovery = join.getDiscoveryConfig().isEnabled() || join.getKubernetesConfig().isEnabled()
                || join.getAwsConfig().isEnabled() || join.getGcpConfig().isEnabled() || join.getAzureConfig().isEnabled()
                || join.getEurekaConfig().isEnabled();
        if (!join.getTcpIpConfig().isEnabled() && !join.getMulticastConfig().isEnabled() && !discovery
                && !join.isAutoDetectionEnabled()) {
            throw new ConfigException(settings.localConfigFile() + ": <network><join> enables no way to find the other "
                    + "members: expected <tcp-ip enabled=\"true\"> with a <member-list>, <multicast enabled=\"true\"> or "
                    + "<kubernetes enabled=\"true\">");
        }
        if (join.getTcpIpConfig().isEnabled() && join.getTcpIpConfig().getMembers().isEmpty()
                && join.getTcpIpConfig().getRequiredMember() == null) {
            throw new ConfigException(settings.localConfigFile() + ": <network><join><tcp-ip> is enabled with an empty "
                    + "<member-list>: expected a <member> entry per node, such as <member>10.0.0.1:5701</member>");
        }
        if (config.getClusterName() == null || config.getClusterName().isBlank()) {
            throw new ConfigException(settings.localConfigFile() + ": <cluster-name> is empty: expected the name shared "
                    + "by the nodes of this cluster");
        }
        if (join.getMulticastConfig().isEnabled()) {
            LOG.warn("{} enables multicast join: any Hazelcast member on the network with cluster name '{}' can join "
                    + "this cluster (see the plugin's readme)", settings.localConfigFile(), config.getClusterName());
        }
    }

    private static void defaultProperty(Config config, String key, String value) {
        if (config.getProperty(key) == null) {
            config.setProperty(key, value);
        }
    }

    static Config read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString());
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": the file does not exist: expected a Hazelcast configuration "
                    + "(<hazelcast> document)");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot be read: " + e, e);
        }
    }

    private static Config readShipped() {
        try (InputStream in = HazelcastConfigFactory.class.getResourceAsStream(SHIPPED_CACHE_CONFIG)) {
            if (in == null) {
                throw new IllegalStateException("the plugin lacks its " + SHIPPED_CACHE_CONFIG);
            }
            return parse(in, "the plugin's " + SHIPPED_CACHE_CONFIG);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the plugin's " + SHIPPED_CACHE_CONFIG, e);
        }
    }

    private static Config parse(InputStream in, String source) {
        try {
            // an empty property set: ${...} in the file is not replaced with system properties of the JVM
            return new XmlConfigBuilder(in).setProperties(new Properties()).build();
        } catch (InvalidConfigurationException e) {
            throw new ConfigException(source + ": not a valid Hazelcast 5.7 configuration: " + describe(e), e);
        } catch (RuntimeException e) {
            throw new ConfigException(source + ": cannot be read as a Hazelcast configuration: " + describe(e), e);
        }
    }

    private static String describe(Throwable e) {
        StringBuilder message = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause.getMessage() != null && !message.toString().contains(cause.getMessage())) {
                message.append(": ").append(cause.getMessage());
            }
        }
        return message.toString();
    }
}
