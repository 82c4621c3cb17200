package org.skein.conformance;

import java.lang.reflect.Method;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.SmackReactor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps Smack's reactor at its two threads while SINT runs.
 *
 * <p>A race in Smack 4.5.0-beta5's modular connection, which
 * {@code ModularXmppClientToServerConnectionLowLevelIntegrationTest} uses, can end a reactor thread with a
 * {@code NullPointerException} ({@code selectionKey} is null in {@code SmackReactor}). The reactor is one per
 * JVM: it also runs every connection's scheduled actions, among them the presence a client sends again when
 * its features change (entity capabilities, XEP-0115). Once both of its threads are gone, nothing scheduled
 * runs any more, and every later test that waits for such a presence fails whatever the server does (seen:
 * all of {@code EntityCapsTest} across three nodes, after the modular test had killed one thread in the
 * one-node run and the other in the three-node run). The guard looks once a second and starts a thread for
 * each that died; a client bug then costs the test that hit it, not the ones after it.
 */
final class SmackReactorGuard implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SmackReactorGuard.class);

    /** Smack's default number of reactor threads ({@code SmackReactor.DEFAULT_REACTOR_THREAD_COUNT}). */
    static final int THREADS = 2;
    /** The names of the default reactor's threads: {@code Smack DefaultReactor Thread #0}. */
    static final String THREAD_NAME_PREFIX = "Smack DefaultReactor Thread #";

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sint-smack-reactor-guard");
        t.setDaemon(true);
        return t;
    });

    SmackReactorGuard() {
        timer.scheduleWithFixedDelay(this::look, 1, 1, TimeUnit.SECONDS);
    }

    /** How many of the reactor's threads run now. */
    static int liveThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(THREAD_NAME_PREFIX))
                .count();
    }

    private void look() {
        try {
            int live = liveThreads();
            if (live < THREADS) {
                LOG.warn("Smack's reactor has {} of its {} threads left (a client race ended the others): starting new ones",
                        live, THREADS);
                reactor().setReactorThreadCount(THREADS);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("Could not look after Smack's reactor", e);
        }
    }

    /** The JVM's reactor ({@code SmackReactor.getInstance()} is not public). */
    static SmackReactor reactor() throws ReflectiveOperationException {
        Method instance = SmackReactor.class.getDeclaredMethod("getInstance");
        instance.setAccessible(true);
        return (SmackReactor) instance.invoke(null);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
