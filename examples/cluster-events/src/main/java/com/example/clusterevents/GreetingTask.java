package com.example.clusterevents;

import java.time.Instant;
import org.skein.ServerContext;
import org.skein.cluster.ClusterTask;

/**
 * A cluster task of the plugin's own: runs on another node, with that node's context, and answers
 * with a {@link Greeting}. The plugin must be loaded on that node too.
 */
final class GreetingTask implements ClusterTask<Greeting> {

    private static final long serialVersionUID = 1L;

    @Override
    public Greeting execute(ServerContext node) {
        Instant loadedAt = node.pluginManager().getPlugin(ClusterEventsPlugin.ID)
                .map(plugin -> plugin.loadedAt())
                .orElseThrow(() -> new IllegalStateException("the cluster-events plugin is not loaded on " + node.nodeId()));
        return new Greeting(node.nodeId().value(), loadedAt);
    }
}
