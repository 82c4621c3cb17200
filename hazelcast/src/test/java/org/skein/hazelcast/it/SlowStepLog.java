package org.skein.hazelcast.it;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Times the steps of a test that may wait on Hazelcast (a member's start, join or graceful shutdown) and
 * logs each step's duration; a step still running after {@code dumpAfter} gets the stacks of every thread
 * logged once, while it runs, so that a slow run of a full build shows where the time went (the test's
 * output file in {@code target/failsafe-reports/}). It changes no wait and no assertion. Closing it stops
 * its timer thread.
 */
final class SlowStepLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SlowStepLog.class);

    private final String test;
    private final Duration dumpAfter;
    private final ScheduledExecutorService timer;

    SlowStepLog(String test, Duration dumpAfter) {
        this.test = test;
        this.dumpAfter = dumpAfter;
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "slow-step-log");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** A step that returns a value. */
    interface Step<T> {
        T run() throws Exception;
    }

    /** A step that returns nothing. */
    interface VoidStep {
        void run() throws Exception;
    }

    /** Runs the step and returns its value. */
    <T> T get(String name, Step<T> step) throws Exception {
        long start = System.nanoTime();
        ScheduledFuture<?> dump = timer.schedule(() -> dumpThreads(name), dumpAfter.toMillis(), TimeUnit.MILLISECONDS);
        try {
            return step.run();
        } finally {
            dump.cancel(false);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            if (millis >= dumpAfter.toMillis()) {
                LOG.warn("{}: step '{}' took {} ms", test, name, millis);
            } else {
                LOG.info("{}: step '{}' took {} ms", test, name, millis);
            }
        }
    }

    /** Runs the step. */
    void run(String name, VoidStep step) throws Exception {
        get(name, () -> {
            step.run();
            return null;
        });
    }

    private void dumpThreads(String name) {
        StringBuilder dump = new StringBuilder();
        for (Map.Entry<Thread, StackTraceElement[]> thread : Thread.getAllStackTraces().entrySet()) {
            dump.append('\n').append('"').append(thread.getKey().getName()).append("\" ").append(thread.getKey().getState());
            for (StackTraceElement frame : thread.getValue()) {
                dump.append("\n    at ").append(frame);
            }
        }
        LOG.warn("{}: step '{}' runs for more than {} ms; the threads now:{}", test, name, dumpAfter.toMillis(), dump);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
