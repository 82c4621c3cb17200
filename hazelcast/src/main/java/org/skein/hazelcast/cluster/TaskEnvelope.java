package org.skein.hazelcast.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import java.io.Serializable;
import java.util.concurrent.Callable;
import org.skein.cluster.ClusterException;
import org.skein.cluster.ClusterTask;
import org.skein.cluster.NodeID;
import org.skein.cluster.TaskContext;
import org.skein.hazelcast.routing.StanzaBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries a {@link ClusterTask} to a member and runs it there with that member's node's
 * {@link TaskContext}, found in the member's user context ({@link #CONTEXT_KEY}), so nothing global
 * is needed. Runs on the
 * plugin's bounded task executor. The task's own class loader is the thread's context class loader
 * while it runs. An asynchronous task's failure is logged here, where it happened; a synchronous
 * task's failure is sent back to the caller.
 */
final class TaskEnvelope implements Callable<Object>, Serializable, HazelcastInstanceAware {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(TaskEnvelope.class);

    /** The key of the node's {@link TaskContext} in the member's user context. */
    static final String CONTEXT_KEY = "skein.task-context";

    private final ClusterTask<?> task;
    private final boolean asynchronous;
    private final NodeID sender;
    private transient HazelcastInstance member;

    TaskEnvelope(ClusterTask<?> task, boolean asynchronous, NodeID sender) {
        this.task = task;
        this.asynchronous = asynchronous;
        this.sender = sender;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
        this.member = hazelcastInstance;
    }

    @Override
    public Object call() throws Exception {
        TaskContext node = member == null ? null : (TaskContext) member.getUserContext().get(CONTEXT_KEY);
        if (node == null) {
            throw new ClusterException("cluster task " + task.getClass().getName() + " reached a member that runs no Skein node");
        }
        if (sender != null && StanzaBatch.isForeign(member, sender)) {
            throw new ClusterException("cluster task " + task.getClass().getName() + " from node " + sender + " was refused by node "
                    + node.nodeId() + ": the member that runs it is not trusted as a node of this cluster (cluster secret)");
        }
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        ClassLoader taskLoader = task.getClass().getClassLoader();
        if (taskLoader != null) {
            thread.setContextClassLoader(taskLoader);
        }
        try {
            return task.execute(node);
        } catch (Exception | LinkageError e) {
            if (asynchronous) {
                LOG.warn("Cluster task {} from node {} failed on node {}", task.getClass().getName(), sender, node.nodeId(), e);
                return null;
            }
            LOG.debug("Cluster task {} from node {} failed on node {}; the caller is told", task.getClass().getName(), sender, node.nodeId(), e);
            throw e instanceof LinkageError ? new ClusterException("cluster task " + task.getClass().getName()
                    + " cannot run on node " + node.nodeId() + ": " + e, e) : (Exception) e;
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    @Override
    public String toString() {
        return "ClusterTask " + task.getClass().getName() + " from " + sender;
    }
}
