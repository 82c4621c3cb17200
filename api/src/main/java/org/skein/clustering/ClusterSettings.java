package org.skein.clustering;

import java.time.Duration;

/**
 * The settings of a node's clustering, as its {@link ClusterManager} reads them: the switch (persisted,
 * so that a node restarted from its configuration comes back as it was) and the default timeout of
 * synchronous cluster tasks. The node implements it over its configuration file.
 */
public interface ClusterSettings {

    /** Whether clustering is switched on for this node ({@code clustering.enabled}). */
    boolean isClusteringEnabled();

    /** Switches clustering on or off and persists the choice. */
    void setClusteringEnabled(boolean enabled);

    /** The default timeout of synchronous cluster tasks ({@code cluster.task.timeout}). */
    Duration taskTimeout();

    /** Where the settings come from, for messages to operators (a file name). */
    String source();

    /**
     * Settings held in memory, for a clustering core used without a node's configuration file
     * (benchmarks, tools): the switch starts as given and is remembered while the object lives.
     */
    static ClusterSettings inMemory(boolean enabled, Duration taskTimeout) {
        java.util.Objects.requireNonNull(taskTimeout, "taskTimeout");
        java.util.concurrent.atomic.AtomicBoolean on = new java.util.concurrent.atomic.AtomicBoolean(enabled);
        return new ClusterSettings() {
            @Override
            public boolean isClusteringEnabled() {
                return on.get();
            }

            @Override
            public void setClusteringEnabled(boolean value) {
                on.set(value);
            }

            @Override
            public Duration taskTimeout() {
                return taskTimeout;
            }

            @Override
            public String source() {
                return "settings held in memory";
            }
        };
    }
}
