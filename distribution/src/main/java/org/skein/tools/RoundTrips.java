package org.skein.tools;

import java.util.Arrays;

/** Measured round trips: the first (it includes warming up) and the median, minimum and maximum of all. */
record RoundTrips(long firstNanos, long medianNanos, long minNanos, long maxNanos, int count) {

    static RoundTrips of(long[] nanos) {
        if (nanos.length == 0) {
            throw new IllegalArgumentException("no round trips");
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        long median = sorted.length % 2 == 1
                ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        return new RoundTrips(nanos[0], median, sorted[0], sorted[sorted.length - 1], nanos.length);
    }

    String describe() {
        return count + (count == 1 ? " round trip" : " round trips") + ", first " + XmppCheck.millis(firstNanos)
                + ", median " + XmppCheck.millis(medianNanos) + ", min " + XmppCheck.millis(minNanos)
                + ", max " + XmppCheck.millis(maxNanos);
    }
}
