package org.skein;

import java.time.Duration;
import org.skein.clustering.ClusterManager;
import org.skein.clustering.ClusterSettings;
import org.skein.config.ServerConfig;

/**
 * The cluster manager's settings read from the node's configuration: {@code clustering.enabled}
 * (persisted when switched) and {@code cluster.task.timeout} (10 seconds unless configured; -1 for
 * a day).
 */
final class ConfigClusterSettings implements ClusterSettings {

    /** Key of the default timeout of synchronous cluster tasks. */
    static final String TASK_TIMEOUT_KEY = "cluster.task.timeout";

    private final ServerConfig config;

    ConfigClusterSettings(ServerConfig config) {
        this.config = config;
    }

    @Override
    public boolean isClusteringEnabled() {
        return config.getBoolean(ClusterManager.ENABLED_KEY, false);
    }

    @Override
    public void setClusteringEnabled(boolean enabled) {
        config.set(ClusterManager.ENABLED_KEY, Boolean.toString(enabled));
    }

    @Override
    public Duration taskTimeout() {
        Duration timeout = config.getDuration(TASK_TIMEOUT_KEY, Duration.ofSeconds(10));
        return timeout == null ? Duration.ofDays(1) : timeout;
    }

    @Override
    public String source() {
        return config.source();
    }
}
