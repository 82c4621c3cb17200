package com.example.clusterevents;

import java.io.Serializable;
import java.time.Instant;

/**
 * A node's entry in the plugin's clustered cache: the plugin's own class as a cache value. It is
 * serialized when it crosses nodes, so it must be {@link Serializable}.
 *
 * @param node the node that loaded the plugin
 * @param loadedAt when the plugin was loaded there
 */
public record Visit(String node, Instant loadedAt) implements Serializable {

    @Override
    public String toString() {
        return "plugin loaded on " + node + " at " + loadedAt;
    }
}
