package org.skein.hazelcast.serialization;

import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.skein.cluster.NodeID;
import org.skein.hazelcast.logging.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs the classes the deserialization allowlist refused: at most a few warnings a minute, whatever
 * the class names ({@link RateLimitedLog}: a flood of bad messages must not flood the log), and a count
 * for the admin console and tests.
 */
public final class RejectedClasses {

    private static final Logger LOG = LoggerFactory.getLogger(RejectedClasses.class);

    private final NodeID node;
    private final RateLimitedLog warnings;
    private final AtomicLong count = new AtomicLong();

    public RejectedClasses(NodeID node, Clock clock) {
        this.node = Objects.requireNonNull(node, "node");
        this.warnings = RateLimitedLog.perMinute(LOG, Objects.requireNonNull(clock, "clock"));
    }

    void record(String className) {
        count.incrementAndGet();
        warnings.warn("refused-class", "Node {} refused a cluster message holding an object of class {}: the class is not on the "
                    + "deserialization allowlist (Skein, Hazelcast and basic JDK classes, and the classes of loaded "
                    + "plugins). The message was dropped; the node carries on.", node, className);
    }

    /** How many objects were refused since the node joined. */
    public long count() {
        return count.get();
    }
}
