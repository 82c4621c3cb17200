package org.skein.hazelcast.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.ExecutionCallback;
import com.hazelcast.core.IExecutorService;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.skein.cluster.ClusterException;
import org.skein.cluster.ClusterTask;
import org.skein.cluster.ClusterTaskResults;
import org.skein.cluster.NodeID;
import org.skein.cluster.spi.TaskTransport;
import org.skein.hazelcast.logging.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends cluster tasks to members through the plugin's bounded Hazelcast executor and collects their
 * results. Failures never go unnoticed: a synchronous caller gets them (as a {@link ClusterException}
 * or in the results' failures), an asynchronous task's failure is logged where it ran, and a task
 * that could not be delivered (queue full, member gone) is logged here.
 */
final class ClusterTasks implements TaskTransport {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterTasks.class);

    private final IExecutorService executor;
    private final Members members;
    private final NodeID localNode;
    private final RateLimitedLog warnings = RateLimitedLog.perMinute(LOG, Clock.systemUTC());

    ClusterTasks(IExecutorService executor, Members members, NodeID localNode) {
        this.executor = executor;
        this.members = members;
        this.localNode = localNode;
    }

    /** Runs the task on every other member, without waiting. */
    @Override
    public void toOthers(ClusterTask<?> task) {
        for (Member member : members.others()) {
            submit(task, member);
        }
    }

    /** Runs the task on one node, without waiting. */
    @Override
    public void toNode(ClusterTask<?> task, NodeID nodeId) {
        submit(task, members.require(nodeId));
    }

    private void submit(ClusterTask<?> task, Member member) {
        NodeID target = MemberAttributes.nodeId(member);
        executor.submitToMember(new TaskEnvelope(task, true, localNode), member, new ExecutionCallback<Object>() {
            @Override
            public void onResponse(Object response) {
                // done; a failure of the task itself was logged on the target
            }

            @Override
            public void onFailure(Throwable t) {
                warnings.warn("task-failed", "Cluster task {} could not run on node {}: {}", task.getClass().getName(), target, t.toString());
            }
        });
    }

    /** Runs the task on the other members (and this one if asked) and waits at most {@code timeout} in all. */
    @Override
    public <V> ClusterTaskResults<V> everywhere(ClusterTask<V> task, boolean includeLocal, Duration timeout) {
        List<Member> targets = new ArrayList<>(includeLocal ? members.all() : members.others());
        Map<NodeID, V> results = new LinkedHashMap<>();
        Map<NodeID, Throwable> failures = new LinkedHashMap<>();
        if (targets.isEmpty()) {
            return new ClusterTaskResults<>(results, failures);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<Member, Future<Object>> futures = executor.submitToMembers(new TaskEnvelope(task, false, localNode), targets);
        for (Map.Entry<Member, Future<Object>> entry : futures.entrySet()) {
            NodeID node = MemberAttributes.nodeId(entry.getKey());
            try {
                results.put(node, cast(entry.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)));
            } catch (TimeoutException e) {
                failures.put(node, new TimeoutException("node " + node + " did not answer task " + task.getClass().getName()
                        + " within " + timeout.toMillis() + " ms"));
            } catch (ExecutionException e) {
                failures.put(node, e.getCause() == null ? e : e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failures.put(node, e);
            } catch (RuntimeException e) {
                failures.put(node, e);
            }
        }
        return new ClusterTaskResults<>(results, failures);
    }

    /** Runs the task on one node and waits at most {@code timeout} for its result. */
    @Override
    public <V> V onNode(ClusterTask<V> task, NodeID nodeId, Duration timeout) {
        Member member = members.require(nodeId);
        Future<Object> future = executor.submitToMember(new TaskEnvelope(task, false, localNode), member);
        try {
            return cast(future.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            throw new ClusterException("node " + nodeId + " did not answer task " + task.getClass().getName()
                    + " within " + timeout.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new ClusterException("task " + task.getClass().getName() + " failed on node " + nodeId + ": " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted while waiting for task " + task.getClass().getName() + " on node " + nodeId, e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <V> V cast(Object result) {
        return (V) result;
    }
}
