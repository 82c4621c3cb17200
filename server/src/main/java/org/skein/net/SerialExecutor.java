package org.skein.net;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in the order they were submitted, on a shared pool: the per-connection
 * ordering of stanza processing without a thread per connection. A task may block (database, cluster
 * calls); it holds up only its own connection. Tasks that throw are logged and the next one runs.
 *
 * <p>Thread-safe. {@link #pending()} lets the network side push back when a connection sends faster
 * than its stanzas are processed.
 */
final class SerialExecutor implements Executor {

    private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);
    /** How many tasks one turn on a pool thread runs before yielding the thread to other connections. */
    private static final int BATCH = 64;

    private final Executor pool;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();

    SerialExecutor(Executor pool) {
        this.pool = pool;
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        if (pending.getAndIncrement() == 0) {
            schedule();
        }
    }

    /** Tasks submitted and not yet finished. */
    int pending() {
        return pending.get();
    }

    private void schedule() {
        try {
            pool.execute(this::runBatch);
        } catch (RejectedExecutionException e) {
            // the node is stopping: drop what is queued
            tasks.clear();
            pending.set(0);
        }
    }

    private void runBatch() {
        for (int i = 0; i < BATCH; i++) {
            Runnable task = tasks.poll();
            if (task == null) {
                return; // cannot happen while pending > 0, but never spin
            }
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                LOG.warn("A connection task failed", e);
            }
            if (pending.decrementAndGet() == 0) {
                return;
            }
        }
        schedule();
    }
}
