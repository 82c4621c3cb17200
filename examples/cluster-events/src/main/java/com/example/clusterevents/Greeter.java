package com.example.clusterevents;

import java.time.Instant;
import java.util.function.Supplier;

/**
 * What the plugin offers its own cluster task on each node: a greeting from that node. The plugin
 * registers it with the node's cluster manager for tasks ({@code registerTaskService}); a
 * {@link GreetingTask} that arrives finds it by its type, with no cast and no global state.
 */
final class Greeter {

    private final String node;
    private final Supplier<Instant> pluginLoadedAt;

    Greeter(String node, Supplier<Instant> pluginLoadedAt) {
        this.node = node;
        this.pluginLoadedAt = pluginLoadedAt;
    }

    Greeting greet() {
        return new Greeting(node, pluginLoadedAt.get());
    }
}
