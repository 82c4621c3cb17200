package org.skein.cluster;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What a synchronous cluster task to several nodes brought back: the results of the nodes that
 * answered in time, and for every other node why it did not ({@link java.util.concurrent.TimeoutException}
 * for a node that did not answer in time, the task's exception for one where it failed). Immutable.
 *
 * @param <V> the result type
 */
public final class ClusterTaskResults<V> {

    private final Map<NodeID, V> results;
    private final Map<NodeID, Throwable> failures;

    public ClusterTaskResults(Map<NodeID, V> results, Map<NodeID, Throwable> failures) {
        this.results = Collections.unmodifiableMap(new LinkedHashMap<>(results));
        this.failures = Collections.unmodifiableMap(new LinkedHashMap<>(failures));
    }

    public static <V> ClusterTaskResults<V> empty() {
        return new ClusterTaskResults<>(Map.of(), Map.of());
    }

    /** Results by node, for the nodes that answered in time. A {@code null} result is kept as an entry. */
    public Map<NodeID, V> results() {
        return results;
    }

    /** The nodes that did not answer in time or failed, with the reason. */
    public Map<NodeID, Throwable> failures() {
        return failures;
    }

    /** The nodes that did not answer in time. */
    public Set<NodeID> timedOut() {
        Set<NodeID> out = new java.util.LinkedHashSet<>();
        failures.forEach((node, error) -> {
            if (error instanceof java.util.concurrent.TimeoutException) {
                out.add(node);
            }
        });
        return Collections.unmodifiableSet(out);
    }

    public boolean isComplete() {
        return failures.isEmpty();
    }

    @Override
    public String toString() {
        return "ClusterTaskResults{results=" + results.keySet() + ", failures=" + failures + "}";
    }
}
