package org.skein.muc;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A room's mailbox: tasks run one at a time, in the order they were queued, on a shared pool, so a
 * room is a serial actor without a thread of its own. A task that throws is logged and the next one
 * runs. After a turn of {@value #TURN} tasks the room gives its thread back to the pool (a busy room
 * does not starve the others). Thread-safe.
 */
final class Mailbox implements Executor {

    private static final Logger LOG = LoggerFactory.getLogger(Mailbox.class);
    private static final int TURN = 64;

    private final Executor pool;
    private final String name;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();

    Mailbox(Executor pool, String name) {
        this.pool = pool;
        this.name = name;
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        if (pending.getAndIncrement() == 0) {
            schedule();
        }
    }

    private void schedule() {
        try {
            pool.execute(this::turn);
        } catch (RejectedExecutionException e) {
            LOG.debug("The group chat pool is stopped; {} task(s) of {} are dropped", pending.get(), name);
            tasks.clear();
            pending.set(0);
        }
    }

    private void turn() {
        for (int i = 0; i < TURN; i++) {
            Runnable task = tasks.poll();
            if (task == null) {
                return;
            }
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("A task of {} failed", name, e);
            }
            if (pending.decrementAndGet() == 0) {
                return;
            }
        }
        schedule();
    }
}
