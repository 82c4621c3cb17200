package org.skein.routing;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs its tasks one at a time, in the order they were added, on a shared executor: at most one task
 * of the lane is on the executor at a time, and it hands the thread back after a slice so other lanes
 * get their turn. Adding never blocks. Thread-safe.
 */
final class SerialLane implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(SerialLane.class);
    private static final int SLICE = 256;

    private final String name;
    private final Executor executor;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    SerialLane(String name, Executor executor) {
        this.name = name;
        this.executor = executor;
    }

    void add(Runnable task) {
        tasks.add(task);
        schedule();
    }

    private void schedule() {
        if (!tasks.isEmpty() && scheduled.compareAndSet(false, true)) {
            try {
                executor.execute(this);
            } catch (RejectedExecutionException e) {
                scheduled.set(false);
                int left = tasks.size();
                tasks.clear();
                LOG.warn("{}: the node's delivery threads are stopped; {} task(s) are dropped with the node", name, left);
            }
        }
    }

    @Override
    public void run() {
        try {
            for (int i = 0; i < SLICE; i++) {
                Runnable task = tasks.poll();
                if (task == null) {
                    break;
                }
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.warn("{}: a delivery failed", name, e);
                }
            }
        } finally {
            scheduled.set(false);
            schedule();
        }
    }
}
