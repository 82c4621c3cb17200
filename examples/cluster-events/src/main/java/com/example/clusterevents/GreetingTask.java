package com.example.clusterevents;

import org.skein.cluster.ClusterTask;
import org.skein.cluster.TaskContext;

/**
 * A cluster task of the plugin's own: runs on another node and answers with a {@link Greeting}. It
 * names only what it uses: the plugin's {@link Greeter} on the node it runs on, found in the node's
 * services for tasks. The plugin must be loaded on that node too; if it is not, the caller's result
 * for that node is an error naming the missing service.
 */
final class GreetingTask implements ClusterTask<Greeting> {

    private static final long serialVersionUID = 1L;

    @Override
    public Greeting execute(TaskContext context) {
        return context.service(Greeter.class).greet();
    }
}
