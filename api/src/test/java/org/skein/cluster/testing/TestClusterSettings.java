package org.skein.cluster.testing;

import java.time.Duration;
import org.skein.clustering.ClusterSettings;

/** Cluster settings held in memory, for tests: the switch and the task timeout. */
public final class TestClusterSettings implements ClusterSettings {

    private volatile boolean enabled;
    private volatile Duration taskTimeout = Duration.ofSeconds(10);

    public TestClusterSettings(boolean enabled) {
        this.enabled = enabled;
    }

    @Override
    public boolean isClusteringEnabled() {
        return enabled;
    }

    @Override
    public void setClusteringEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    @Override
    public Duration taskTimeout() {
        return taskTimeout;
    }

    public void setTaskTimeout(Duration timeout) {
        this.taskTimeout = timeout;
    }

    @Override
    public String source() {
        return "test settings";
    }
}
