package org.skein.hazelcast.serialization;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.skein.cluster.NodeID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs the classes the deserialization allowlist refused: one warning per class name and minute (a
 * flood of bad messages must not flood the log), and a count for the admin console and tests.
 */
public final class RejectedClasses {

    private static final Logger LOG = LoggerFactory.getLogger(RejectedClasses.class);
    private static final Duration QUIET = Duration.ofMinutes(1);

    private final NodeID node;
    private final Clock clock;
    private final Map<String, Long> lastLogged = new ConcurrentHashMap<>();
    private final AtomicLong count = new AtomicLong();

    public RejectedClasses(NodeID node, Clock clock) {
        this.node = Objects.requireNonNull(node, "node");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    void record(String className) {
        count.incrementAndGet();
        long now = clock.millis();
        Long last = lastLogged.get(className);
        if (last == null || now - last >= QUIET.toMillis()) {
            lastLogged.put(className, now);
            LOG.warn("Node {} refused a cluster message holding an object of class {}: the class is not on the "
                    + "deserialization allowlist (Skein, Hazelcast and basic JDK classes, and the classes of loaded "
                    + "plugins). The message was dropped; the node carries on.", node, className);
        }
    }

    /** How many objects were refused since the node joined. */
    public long count() {
        return count.get();
    }
}
