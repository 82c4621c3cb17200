package org.skein.cluster;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What registering something (a cluster event listener, a service for cluster tasks, a clustering
 * provider) returns: {@link #close()} undoes the registration. Closing twice does nothing, so a plugin
 * may keep its registrations in a list and close them all in {@code destroyPlugin}.
 */
@FunctionalInterface
public interface Registration extends AutoCloseable {

    /** Undoes the registration; idempotent, never throws. */
    @Override
    void close();

    /** A registration that runs {@code undo} on the first {@link #close()} and does nothing after. */
    static Registration once(Runnable undo) {
        Objects.requireNonNull(undo, "undo");
        AtomicBoolean closed = new AtomicBoolean();
        return () -> {
            if (closed.compareAndSet(false, true)) {
                undo.run();
            }
        };
    }
}
