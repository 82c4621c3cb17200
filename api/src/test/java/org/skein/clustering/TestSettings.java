package org.skein.clustering;

import java.time.Duration;

/** Cluster settings held in memory, for tests. */
final class TestSettings implements ClusterSettings {

    private volatile boolean enabled;
    private volatile Duration taskTimeout = Duration.ofSeconds(10);

    TestSettings(boolean enabled) {
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

    void taskTimeout(Duration timeout) {
        this.taskTimeout = timeout;
    }

    @Override
    public String source() {
        return "test settings";
    }
}
