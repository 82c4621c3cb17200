package org.skein.hazelcast.routing;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The direct stanza stream's own meters: authenticated connections open now and opened so far, each way
 * ({@code direction} = {@code in}: other nodes connected to this node's stanza port; {@code out}: this node's
 * connections to theirs), and connections that were refused or failed, by reason. Lives with
 * {@link RouterMeters}, across the node's memberships. Thread-safe. See {@code docs/metrics.md}.
 */
final class StreamMeters {

    /** Why a connection of the direct stream ended before or without carrying batches. */
    enum Refusal {
        /** In: the connecting node could not prove the cluster secret. Out: the listening node could not. */
        SECRET("secret"),
        /** In: no complete handshake within its timeout. */
        HANDSHAKE_TIMEOUT("handshake_timeout"),
        /** In: bytes that are not a Skein node's stanza stream (or not TLS where TLS is expected). */
        GARBAGE("garbage"),
        /** Out: the port answered as another node. */
        WRONG_NODE("wrong_node"),
        /** Out: the connection could not be opened. */
        CONNECT("connect"),
        /** Out: the connection failed while open (an error on the socket or in the stream). */
        FAILED("failed");

        final String tag;

        Refusal(String tag) {
            this.tag = tag;
        }
    }

    private final MeterRegistry registry;
    private final AtomicInteger openIn = new AtomicInteger();
    private final AtomicInteger openOut = new AtomicInteger();
    private final Counter openedIn;
    private final Counter openedOut;
    private final Map<String, Counter> refused = new ConcurrentHashMap<>();

    StreamMeters(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("skein.cluster.stream.connections", openIn, AtomicInteger::get).tag("direction", "in")
                .description("authenticated connections of other nodes to this node's stanza port, open now").register(registry);
        Gauge.builder("skein.cluster.stream.connections", openOut, AtomicInteger::get).tag("direction", "out")
                .description("this node's authenticated connections to other nodes' stanza ports, open now").register(registry);
        openedIn = Counter.builder("skein.cluster.stream.opened").tag("direction", "in")
                .description("authenticated connections to this node's stanza port").register(registry);
        openedOut = Counter.builder("skein.cluster.stream.opened").tag("direction", "out")
                .description("authenticated connections this node opened to other nodes' stanza ports").register(registry);
    }

    /** A connection finished its handshake; {@link #closed} must follow when it closes. */
    void opened(boolean inbound) {
        (inbound ? openedIn : openedOut).increment();
        (inbound ? openIn : openOut).incrementAndGet();
    }

    /** An authenticated connection closed. */
    void closed(boolean inbound) {
        (inbound ? openIn : openOut).decrementAndGet();
    }

    void refused(boolean inbound, Refusal why) {
        String direction = inbound ? "in" : "out";
        refused.computeIfAbsent(direction + '/' + why.tag, k -> Counter.builder("skein.cluster.stream.refused")
                .tags("direction", direction, "reason", why.tag)
                .description("connections of the direct stanza stream refused or failed").register(registry)).increment();
    }

    /** Open connections now, one way (for tests and the node page). */
    int open(boolean inbound) {
        return (inbound ? openIn : openOut).get();
    }
}
