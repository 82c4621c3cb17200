package com.example.clusterevents;

import java.io.Serializable;
import java.time.Instant;

/**
 * What {@link GreetingTask} brings back from a node: the plugin's own class as a task result.
 *
 * @param node the node that answered
 * @param pluginLoadedAt when the plugin was loaded on that node
 */
public record Greeting(String node, Instant pluginLoadedAt) implements Serializable {

    @Override
    public String toString() {
        return "hello from " + node + " (plugin loaded at " + pluginLoadedAt + ")";
    }
}
