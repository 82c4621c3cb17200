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
}
