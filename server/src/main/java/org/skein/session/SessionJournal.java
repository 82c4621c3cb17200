package org.skein.session;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.skein.cache.Cache;
import org.skein.cache.CacheFactory;
import org.skein.cluster.NodeID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stream management journal (XEP-0198 resumption after the holder's node died): a write-behind copy of each
 * resumable session's unacknowledged stanzas in clustered caches, so that another node can resume the session, or
 * put its messages in offline storage, after the node that held it was killed.
 *
 * <ul>
 *   <li>{@value #ENTRIES_CACHE}: {@code epoch:seq -> stanza XML}, one entry per stanza sent to the client and not yet
 *       acknowledged ({@code seq} counts the stanzas sent since the journal began for this holder, from 1);</li>
 *   <li>{@value #HEADERS_CACHE}: stream management id {@code -> }{@link JournalHeader} (the holder, the full JID, the
 *       counters, the presence, the timeout), coalesced: written once per batch for each session that changed.</li>
 * </ul>
 * The sessions only enqueue (under their output lock: a small object on a queue, nothing else); one writer thread per
 * node takes what queued up, and writes it as one batch: new entries ({@code putAll}), then the changed headers, then
 * the entries the clients acknowledged (removed together, {@link Cache#removeAll}). A header never says fewer stanzas
 * were acknowledged than the entries that are gone. Clustered caches keep a backup on another member, so a batch
 * that was written survives the death of any one node.
 *
 * <p><b>What is not covered</b>: the stanzas of the last batch that had not been written when the node died (the
 * queue's latency: the writer lets a batch grow for 2 ms, plus the write itself; more under load), and, for the same reason, the header may
 * count a few less of the client's stanzas than the server handled; after a resume the client then sends those again
 * (XEP-0198 allows it; the recipients may get them twice, with the same ids).
 *
 * <p>Thread-safe.
 */
public final class SessionJournal {

    private static final Logger LOG = LoggerFactory.getLogger(SessionJournal.class);

    /** {@code epoch:seq} → the XML of an unacknowledged stanza. */
    public static final String ENTRIES_CACHE = "sm.journal";
    /** Stream management id → {@link JournalHeader}. */
    public static final String HEADERS_CACHE = "sm.journal.sessions";
    private static final int MAX_BATCH = 4096;
    /**
     * How long the writer lets a small batch grow before it writes it: fewer, larger batches (one {@code putAll}, one
     * header write per session, one round of removes) at the price of this much more time in which a node's death loses
     * the newest stanzas. The message path never waits for the journal.
     */
    private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private final NodeID localNode;
    private final Cache<String, String> entries;
    private final Cache<String, JournalHeader> headers;
    private final LinkedBlockingQueue<Op> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean running = true;
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong pending = new AtomicLong();
    private static final long WARNING_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);
    /** When the writer last warned of a failed batch (writer thread only; 0: never). */
    private long lastWarning;

    /** @param threads makes the writer thread (started at once) */
    public SessionJournal(CacheFactory caches, NodeID localNode, ThreadFactory threads) {
        this.localNode = Objects.requireNonNull(localNode, "localNode");
        this.entries = caches.createCache(ENTRIES_CACHE);
        this.headers = caches.createCache(HEADERS_CACHE);
        this.writer = threads.newThread(this::run);
        writer.setDaemon(true);
        writer.start();
    }

    /**
     * Starts journaling a session: its stanzas still unacknowledged now are the first entries. Called under the
     * session's output lock (by {@link LocalClientSession#attachJournal}).
     */
    Handle open(String id, LocalClientSession session, Duration resumeTimeout) {
        return new Handle(id, session, resumeTimeout.toMillis());
    }

    /** How many batches were written (for the admin pages and the benchmarks). */
    public long batches() {
        return batches.get();
    }

    /** How many stanzas were written to the journal. */
    public long stanzasWritten() {
        return written.get();
    }

    /** How many batches failed (a cluster that was leaving, for instance): those stanzas are not crash-safe. */
    public long failures() {
        return failures.get();
    }

    /** Whether everything enqueued so far was written (or failed). */
    public boolean idle() {
        return pending.get() == 0;
    }

    /** How many changes are enqueued and not yet written (or failed). */
    public long pending() {
        return pending.get();
    }

    private void offer(Op op) {
        pending.incrementAndGet();
        queue.add(op);
    }

    /**
     * Takes over the journal of a session whose holder is gone: removes its header (atomically: of two nodes that try,
     * one wins), then reads and removes its unacknowledged stanzas, in order.
     *
     * @param claimable decides from the header whether the caller may take it (its node is gone, the user matches)
     * @return the header and the stanzas, or {@code null} when there is none, another node took it, or it is not claimable
     */
    Claim claim(String id, Predicate<JournalHeader> claimable) {
        JournalHeader header = headers.getLatest(id);
        if (header == null || !claimable.test(header) || !headers.remove(id, header)) {
            return null;
        }
        List<String> stanzas = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (long seq = header.ackedSeq() + 1; ; seq++) {
            String key = header.entryKey(seq);
            String xml = entries.getLatest(key);
            if (xml == null) {
                break;
            }
            stanzas.add(xml);
            keys.add(key);
        }
        if (!keys.isEmpty()) {
            try {
                entries.removeAll(keys);
            } catch (RuntimeException e) {
                LOG.warn("Removing the {} journal entries of {} failed; they stay in {}", keys.size(), header.fullJid(), ENTRIES_CACHE, e);
            }
        }
        return new Claim(id, header, List.copyOf(stanzas));
    }

    /** The ids of the journaled sessions whose holder is gone, with their headers. */
    Map<String, JournalHeader> orphans(Predicate<NodeID> gone) {
        Map<String, JournalHeader> found = new LinkedHashMap<>();
        for (Map.Entry<String, JournalHeader> entry : headers.entrySet()) {
            if (!entry.getValue().node().equals(localNode) && gone.test(entry.getValue().node())) {
                found.put(entry.getKey(), entry.getValue());
            }
        }
        return found;
    }

    /** Writes what is queued, then stops the writer (the node is stopping). */
    public void stop() {
        running = false;
        writer.interrupt();
        try {
            writer.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        List<Op> ops = new ArrayList<>();
        while (running || !queue.isEmpty()) {
            Op first;
            try {
                first = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                first = queue.poll();
                if (first == null) {
                    continue;
                }
            }
            if (first == null) {
                continue;
            }
            try {
                ops.add(first);
                queue.drainTo(ops, MAX_BATCH);
                if (ops.size() < MAX_BATCH && running) {
                    java.util.concurrent.locks.LockSupport.parkNanos(LINGER_NANOS);
                    queue.drainTo(ops, MAX_BATCH - ops.size());
                }
                write(ops);
            } catch (RuntimeException e) {
                long failed = failures.incrementAndGet();
                long now = System.nanoTime();
                if (lastWarning == 0 || now - lastWarning >= WARNING_INTERVAL_NANOS) {
                    // at most one warning a minute: a cluster that is away fails every batch
                    lastWarning = now;
                    LOG.warn("A stream management journal batch of {} changes was not written ({} failed batches since the node"
                            + " started); those stanzas are not kept if this node dies", ops.size(), failed, e);
                }
            } finally {
                pending.addAndGet(-ops.size());
                ops.clear();
            }
        }
    }

    private void write(List<Op> ops) {
        Map<String, String> puts = new LinkedHashMap<>();
        Set<Handle> dirty = new LinkedHashSet<>();
        List<String> removes = new ArrayList<>();
        List<Handle> closes = new ArrayList<>();
        for (Op op : ops) {
            if (op instanceof Append append) {
                puts.put(append.handle.key(append.seq), append.xml);
            } else if (op instanceof Dirty changed) {
                dirty.add(changed.handle);
            } else if (op instanceof Trim trim) {
                trim.handle.trimTo(trim.upTo, puts, removes);
            } else if (op instanceof Close close) {
                close.handle.trimTo(close.lastSeq, puts, removes);
                dirty.remove(close.handle);
                closes.add(close.handle);
            }
        }
        if (!puts.isEmpty()) {
            entries.putAll(puts);
            written.addAndGet(puts.size());
        }
        Map<String, JournalHeader> changed = new LinkedHashMap<>();
        for (Handle handle : dirty) {
            handle.dirty.set(false);
            if (!handle.closed) {
                changed.put(handle.id, handle.header());
            }
        }
        if (!changed.isEmpty()) {
            headers.putAll(changed);
        }
        if (!removes.isEmpty()) {
            entries.removeAll(removes);
        }
        for (Handle handle : closes) {
            JournalHeader current = headers.getLatest(handle.id);
            if (current != null && current.epoch().equals(handle.epoch)) {
                headers.remove(handle.id, current); // not if the session moved on and its new holder wrote its own
            }
        }
        batches.incrementAndGet();
    }

    /** A session's journal, fed by its {@link StreamManagement} under the session's output lock. */
    final class Handle {
        private final String id;
        private final String epoch;
        private final LocalClientSession session;
        private final long resumeTimeoutMillis;
        private final AtomicBoolean dirty = new AtomicBoolean();
        private volatile long inbound;
        private volatile long acked;
        private volatile long ackedSeq;
        private volatile boolean closed;
        /** The entries up to here are removed or being removed (writer thread only). */
        private long trimmed;

        private Handle(String id, LocalClientSession session, long resumeTimeoutMillis) {
            this.id = Objects.requireNonNull(id, "id");
            this.epoch = id + "/" + localNode + "/" + Long.toHexString(System.nanoTime());
            this.session = Objects.requireNonNull(session, "session");
            this.resumeTimeoutMillis = resumeTimeoutMillis;
        }

        /** Stanza number {@code seq} went to the client. */
        void appended(long seq, String xml) {
            if (!closed) {
                offer(new Append(this, seq, xml));
            }
        }

        /** The counters changed; {@code ackedSeq} stanzas are acknowledged in all (their entries go). */
        void counters(long inbound, long acked, long ackedSeq) {
            boolean trim = ackedSeq != this.ackedSeq;
            this.inbound = inbound;
            this.acked = acked;
            this.ackedSeq = ackedSeq;
            if (trim && !closed) {
                offer(new Trim(this, ackedSeq));
            }
            changed();
        }

        /** Something in the header changed (presence, flags). */
        void changed() {
            if (!closed && dirty.compareAndSet(false, true)) {
                offer(new Dirty(this));
            }
        }

        /** The session ended here or moved away: its entries up to {@code lastSeq} and its header go. */
        void close(long lastSeq) {
            if (!closed) {
                closed = true;
                offer(new Close(this, lastSeq));
            }
        }

        private String key(long seq) {
            return epoch + ":" + seq;
        }

        private void trimTo(long upTo, Map<String, String> puts, List<String> removes) {
            for (long seq = trimmed + 1; seq <= upTo; seq++) {
                String key = key(seq);
                if (puts.remove(key) == null) {
                    removes.add(key);
                }
            }
            trimmed = Math.max(trimmed, upTo);
        }

        private JournalHeader header() {
            var presence = session.presence();
            return new JournalHeader(localNode, session.address().toString(), epoch, inbound, acked, ackedSeq, resumeTimeoutMillis,
                    presence.isAvailable() ? presence.toXML() : "", session.isRosterRequested(), session.isCarbonsEnabled());
        }
    }

    /** A session's journal taken over by {@link #claim}. */
    record Claim(String id, JournalHeader header, List<String> unacked) {
    }

    private sealed interface Op permits Append, Dirty, Trim, Close {
    }

    private record Append(Handle handle, long seq, String xml) implements Op {
    }

    private record Dirty(Handle handle) implements Op {
    }

    private record Trim(Handle handle, long upTo) implements Op {
    }

    private record Close(Handle handle, long lastSeq) implements Op {
    }
}
