package org.skein.session;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The stream management state (XEP-0198) of one session: the count of stanzas the client sent that the
 * server handled, and the stanzas the server sent that the client has not acknowledged yet, in order.
 * Counters are unsigned 32-bit numbers that wrap (section 4: "h" is mod 2^32). The server's count of
 * sent stanzas is always {@code acked + unacked.size()}, so a resume that replays the unacknowledged
 * stanzas keeps both sides' counts in step.
 *
 * <p>Not thread-safe: {@link LocalClientSession} calls it under its output lock (the inbound count
 * only from the session's own processing thread).
 */
final class StreamManagement {

    /** The namespace of XEP-0198 version 3. */
    static final String NAMESPACE = "urn:xmpp:sm:3";
    private static final long MOD = 1L << 32;

    private final String id;
    private final boolean resumable;
    private final Duration resumeTimeout;
    private final int maxUnacked;
    private final ArrayDeque<String> unacked = new ArrayDeque<>();
    private long inbound;
    private long acked;
    private boolean ackRequested;
    /** How many stanzas the client acknowledged since the journal began (not wrapped), for the journal's keys. */
    private long ackedSeq;
    /** The session's journal ({@link SessionJournal}), or {@code null} when it is not journaled. */
    private SessionJournal.Handle journal;

    /**
     * @param id the stream management id the client resumes with ({@code previd})
     * @param resumeTimeout how long a detached session waits for the client to resume
     * @param maxUnacked how many unacknowledged stanzas the session keeps before it gives up on the client
     */
    StreamManagement(String id, boolean resumable, Duration resumeTimeout, int maxUnacked) {
        this(id, resumable, resumeTimeout, maxUnacked, 0);
    }

    /** The same, with the server's count of acknowledged stanzas starting at {@code acked} (a long-lived stream, near the wrap). */
    StreamManagement(String id, boolean resumable, Duration resumeTimeout, int maxUnacked, long acked) {
        this.acked = acked;
        this.id = Objects.requireNonNull(id, "id");
        this.resumable = resumable;
        this.resumeTimeout = Objects.requireNonNull(resumeTimeout, "resumeTimeout");
        this.maxUnacked = maxUnacked;
    }

    /**
     * The state a session moved from another node brings along (XEP-0198 resumption on another node): the
     * client's count, the server's count of acknowledged stanzas and the stanzas still unacknowledged, in order.
     */
    static StreamManagement moved(String id, Duration resumeTimeout, int maxUnacked, long inbound, long acked, List<String> unacked) {
        StreamManagement sm = new StreamManagement(id, true, resumeTimeout, maxUnacked, acked);
        sm.inbound = inbound % MOD;
        sm.unacked.addAll(unacked);
        return sm;
    }

    /**
     * Journals this state from now on: the stanzas unacknowledged now are its first entries.
     */
    void attachJournal(SessionJournal.Handle handle) {
        journal = handle;
        long seq = ackedSeq;
        for (String xml : unacked) {
            handle.appended(++seq, xml);
        }
        handle.counters(inbound, acked, ackedSeq);
    }

    String id() {
        return id;
    }

    /** How many stanzas the client acknowledged, mod 2^32. */
    long acked() {
        return acked;
    }

    boolean isResumable() {
        return resumable;
    }

    Duration resumeTimeout() {
        return resumeTimeout;
    }

    /** The client sent a stanza (the server handled it). */
    void received() {
        inbound = (inbound + 1) % MOD;
        if (journal != null) {
            journal.counters(inbound, acked, ackedSeq);
        }
    }

    /** How many stanzas of the client the server handled, mod 2^32. */
    long inbound() {
        return inbound;
    }

    /** How many stanzas the server sent, mod 2^32. */
    long outbound() {
        return (acked + unacked.size()) % MOD;
    }

    int unackedCount() {
        return unacked.size();
    }

    /**
     * Records a stanza sent to the client.
     *
     * @return whether the queue is now over its limit (the client does not acknowledge)
     */
    boolean sent(String xml) {
        unacked.add(xml);
        if (journal != null) {
            journal.appended(ackedSeq + unacked.size(), xml);
        }
        return unacked.size() > maxUnacked;
    }

    /** Whether an {@code <r/>} should follow what was just sent: one request at a time until the client answers. */
    boolean requestAck() {
        if (ackRequested) {
            return false;
        }
        ackRequested = true;
        return true;
    }

    /**
     * The client acknowledged {@code h} stanzas in all: those are dropped from the queue.
     *
     * @return {@code false} if {@code h} counts more stanzas than the server sent (the queue is left as it is)
     */
    boolean acknowledge(long h) {
        long newlyAcked = Math.floorMod(h - acked, MOD);
        if (newlyAcked > unacked.size()) {
            return false;
        }
        for (long i = 0; i < newlyAcked; i++) {
            unacked.poll();
        }
        acked = h % MOD;
        ackedSeq += newlyAcked;
        ackRequested = false;
        if (journal != null && newlyAcked > 0) {
            journal.counters(inbound, acked, ackedSeq);
        }
        return true;
    }

    /** The stanzas not acknowledged, in the order sent (the queue keeps them). */
    List<String> unacknowledged() {
        return new ArrayList<>(unacked);
    }

    /** Takes the unacknowledged stanzas out, in order (the session has ended). */
    List<String> drain() {
        List<String> left = new ArrayList<>(unacked);
        acked = (acked + unacked.size()) % MOD;
        ackedSeq += unacked.size();
        unacked.clear();
        if (journal != null) {
            journal.close(ackedSeq); // the session ended or moved: the caller handles these stanzas now
            journal = null;
        }
        return left;
    }

    /** Parses an {@code h} attribute: an unsigned 32-bit number. */
    static long parseCount(String value) {
        if (value == null) {
            throw new IllegalArgumentException("the 'h' attribute is missing");
        }
        try {
            long h = Long.parseLong(value.trim());
            if (h < 0 || h >= MOD) {
                throw new IllegalArgumentException("'h' must be between 0 and 2^32-1, not " + value);
            }
            return h;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'h' must be a number, not '" + value + "'");
        }
    }
}
