package com.example.clusterevents;

import org.skein.cluster.ClusterTask;
import org.skein.cluster.TaskContext;

/**
 * A cluster task of the plugin's own: runs on another node and answers with a {@link Greeting}. It
 * reaches the plugin on that node through the node's services for tasks, where the plugin registered
 * itself: no cast, no global state. The plugin must be loaded on that node too (else the caller gets
 * an error naming the missing service).
 */
final class GreetingTask implements ClusterTask<Greeting> {

    private static final long serialVersionUID = 1L;

    @Override
    public Greeting execute(TaskContext context) {
        return context.service(ClusterEventsPlugin.class).greeting();
    }
}
