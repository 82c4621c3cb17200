package org.skein.hazelcast.it;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.skein.cluster.TaskContext;
import org.skein.cluster.ClusterTask;

/**
 * Cluster tasks for the tests. They are on the test class path, which is the parent of every
 * plugin class loader, so every node in the JVM finds them; their static fields are therefore
 * shared by all nodes, which lets a test see where a task ran.
 */
final class TestTasks {

    /** Node ids the {@link WhereAmI} tasks ran on, with the tag they carried: "tag@node". */
    static final Set<String> VISITS = ConcurrentHashMap.newKeySet();
    /** Released by a test to let {@link SlowOn} tasks finish. */
    static volatile CountDownLatch release = new CountDownLatch(1);

    private TestTasks() {
    }

    /** Returns the id of the node it ran on and records the visit. */
    record WhereAmI(String tag) implements ClusterTask<String> {
        @Override
        public String execute(TaskContext node) {
            VISITS.add(tag + "@" + node.nodeId());
            return node.nodeId().value();
        }
    }

    /** Fails on the node it runs on. */
    record Failing(String message) implements ClusterTask<String> {
        @Override
        public String execute(TaskContext node) {
            throw new IllegalStateException(message + " on " + node.nodeId());
        }
    }

    /** Waits for {@link #release} on one node, answers at once on the others. */
    record SlowOn(String slowNode) implements ClusterTask<String> {
        @Override
        public String execute(TaskContext node) throws InterruptedException {
            if (node.nodeId().value().equals(slowNode)) {
                release.await(30, TimeUnit.SECONDS);
            }
            return node.nodeId().value();
        }
    }

    /** Carries any object along; answers with the node id. */
    record Carrying(Object payload) implements ClusterTask<String> {
        @Override
        public String execute(TaskContext node) {
            return node.nodeId().value() + " got " + payload;
        }
    }
}
