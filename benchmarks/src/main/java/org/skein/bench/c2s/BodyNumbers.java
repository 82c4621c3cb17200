package org.skein.bench.c2s;

import java.util.BitSet;

/**
 * The numbers of the messages a client got, from bodies {@code m<n> ...}: as whole body texts ({@link #body}) or
 * cut out of a stream of text that may split an element anywhere ({@link #scan}). Counts a number seen twice.
 * Thread-safe.
 */
final class BodyNumbers {

    private static final String OPEN = "<body>m";

    private final BitSet seen = new BitSet();
    private final StringBuilder tail = new StringBuilder();
    private long duplicates;
    private long lastChange = System.nanoTime();

    /** A body's text: {@code m<n> ...}; anything else is ignored. */
    synchronized void body(String text) {
        if (text.length() < 2 || text.charAt(0) != 'm') {
            return;
        }
        int end = 1;
        while (end < text.length() && Character.isDigit(text.charAt(end))) {
            end++;
        }
        if (end > 1) {
            add(Integer.parseInt(text.substring(1, end)));
        }
    }

    /**
     * The next piece of a stream's text. A number counts once its body is complete ({@code </body>} arrived): a
     * stanza cut short when the connection closed was not delivered (the node keeps it offline instead).
     */
    synchronized void scan(String text) {
        tail.append(text);
        int from = 0;
        while (true) {
            int open = tail.indexOf(OPEN, from);
            if (open < 0) {
                from = Math.max(from, tail.length() - OPEN.length());
                break;
            }
            int close = tail.indexOf("</body>", open);
            if (close < 0) {
                from = open; // the body goes on in the next piece
                break;
            }
            int end = open + OPEN.length();
            while (end < close && Character.isDigit(tail.charAt(end))) {
                end++;
            }
            if (end > open + OPEN.length()) {
                add(Integer.parseInt(tail.substring(open + OPEN.length(), end)));
            }
            from = close;
        }
        tail.delete(0, from);
    }

    private void add(int n) {
        if (seen.get(n)) {
            duplicates++;
        } else {
            seen.set(n);
        }
        lastChange = System.nanoTime();
    }

    synchronized int count() {
        return seen.cardinality();
    }

    synchronized long duplicates() {
        return duplicates;
    }

    /** Nanoseconds ({@link System#nanoTime()}) of the last number seen. */
    synchronized long lastChange() {
        return lastChange;
    }

    synchronized BitSet numbers() {
        return (BitSet) seen.clone();
    }
}
