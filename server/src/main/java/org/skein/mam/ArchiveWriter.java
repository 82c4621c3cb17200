package org.skein.mam;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes archived messages in batches (group commit) on one thread of the node: the message path puts
 * a write in a bounded queue and goes on; the writer takes what has queued up meanwhile, up to
 * {@link ArchiveWriterSettings#batch} writes, and commits them in one transaction per store. While one commit
 * runs, the next batch queues up, so under load batches grow; when writes come one at a time the writer, woken
 * by the first, waits {@link ArchiveWriterSettings#linger} before it takes the batch (unless a full batch is
 * there already), so that it wakes and commits once per linger, not once per message.
 *
 * <p><b>Settle.</b> Every write carries the id values of its rows; {@code committed} is told them once the
 * rows are committed (or given up, below), which is what {@link MessageArchive#settle} waits for: a query
 * that starts after a message was accepted sees it.
 *
 * <p><b>A full queue</b> (the database is slower than the messages): {@link #offer} waits up to
 * {@link ArchiveWriterSettings#fullWait} for room, which slows the senders down to the database's pace; if
 * there is still no room it returns {@code false} and the caller writes the message itself, synchronously.
 * Memory stays bounded; nothing is dropped for want of room.
 *
 * <p><b>A failing database.</b> A batch that fails is retried, with pauses doubling from
 * {@link ArchiveWriterSettings#firstRetry} up to {@link ArchiveWriterSettings#maxRetry}, for as long as it takes
 * (each failure is logged); before a retry the rows a lost commit acknowledgement may have written are
 * looked up and not written twice. Rows the database rejects for what they are (an integrity or data
 * error, SQL state class 23 or 22: an account removed in the meantime) are written one by one; each
 * rejected row is logged with its id and left out, the others are written. When the node stops, the writer
 * keeps trying for {@link ArchiveWriterSettings#closeTimeout}, then logs every row it could not write (an ERROR
 * with the owners and ids) and stops.
 *
 * <p>Thread-safe. {@link #start} once, {@link #close} once; after close, {@link #offer} returns {@code false}.
 */
final class ArchiveWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ArchiveWriter.class);
    private static final Duration IDLE_POLL = Duration.ofMillis(200);

    /** What the writer does: rows to add, or a row to take out again. */
    sealed interface Write permits Append, Remove {
    }

    /** Rows to add to a store; {@code values} are their id values (for the settle). */
    record Append(ArchiveStore store, List<ArchivedMessage> rows, long[] values) implements Write {
    }

    /** A row to take out of a store (a message that was archived and then bounced). */
    record Remove(ArchiveStore store, String owner, String id) implements Write {
    }

    /** Counts since start: rows written, transactions, failed attempts, rows rejected or lost, synchronous fallbacks. */
    record Stats(long rows, long batches, long failures, long rejected, long lost, long fallbacks) {
    }

    private final ArchiveWriterSettings settings;
    private final Executor executor;
    private final Consumer<long[]> committed;
    private final BlockingQueue<Write> queue;
    private final Object pause = new Object();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final AtomicLong rows = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private final AtomicLong fallbacks = new AtomicLong();
    private volatile boolean started;
    private volatile boolean closing;
    private volatile boolean terminated;
    private volatile long closeDeadline;
    /** Bumped by {@link #nudge} (guarded by pause). */
    private long nudges;

    /**
     * @param executor runs the writer's loop (one long task: give it a thread of its own)
     * @param committed told the id values of rows once they are committed or given up
     */
    ArchiveWriter(ArchiveWriterSettings settings, Executor executor, Consumer<long[]> committed) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.committed = Objects.requireNonNull(committed, "committed");
        this.queue = new ArrayBlockingQueue<>(settings.queue());
    }

    /** Starts the loop on the executor. */
    synchronized void start() {
        if (started || closing) {
            return;
        }
        started = true;
        executor.execute(this::run);
    }

    /**
     * Queues a write. Waits up to {@link ArchiveWriterSettings#fullWait} when the queue is full.
     *
     * @return {@code false} when the write was not queued (the writer is not running, or still full): the
     *     caller writes it itself
     */
    boolean offer(Write write) {
        if (!started || closing) {
            fallbacks.incrementAndGet();
            return false;
        }
        boolean queued;
        try {
            queued = queue.offer(write) || queue.offer(write, settings.fullWait().toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            queued = false;
        }
        if (queued && terminated && queue.remove(write)) {
            queued = false; // the loop had ended: nobody would take it
        }
        if (!queued) {
            fallbacks.incrementAndGet();
        }
        return queued;
    }

    /**
     * Cuts a pause between two attempts short: a query is waiting for the rows (the database may be back;
     * if not, one more attempt fails and the pauses go on).
     */
    void nudge() {
        synchronized (pause) {
            nudges++;
            pause.notifyAll();
        }
    }

    /** Writes queued and not committed yet. */
    int pending() {
        return queue.size();
    }

    Stats stats() {
        return new Stats(rows.get(), batches.get(), failures.get(), rejected.get(), lost.get(), fallbacks.get());
    }

    /**
     * Writes what is queued and stops the loop; waits for it (up to the close timeout and a little). Later
     * offers return {@code false}.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closing) {
                return;
            }
            closeDeadline = System.nanoTime() + settings.closeTimeout().toNanos();
            closing = true;
            if (!started) {
                terminated = true;
                finished.countDown();
            }
        }
        synchronized (pause) {
            pause.notifyAll();
        }
        try {
            if (!finished.await(settings.closeTimeout().toMillis() + 10_000, TimeUnit.MILLISECONDS)) {
                LOG.error("The archive writer did not finish within {}; {} writes still queued", settings.closeTimeout(), queue.size());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Lets writes gather for the linger, unless a full batch is queued already or the node is stopping. */
    private void linger() {
        long nanos = settings.linger().toNanos();
        if (nanos > 0 && !closing && queue.size() < settings.batch() - 1) {
            LockSupport.parkNanos(this, nanos); // a spurious or early return only makes the batch smaller
        }
    }

    private void run() {
        List<Write> batch = new ArrayList<>(settings.batch());
        try {
            while (!(closing && queue.isEmpty())) {
                Write first = queue.poll(IDLE_POLL.toNanos(), TimeUnit.NANOSECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                linger();
                queue.drainTo(batch, settings.batch() - 1);
                process(batch);
                batch.clear();
            }
            terminated = true;
            // an offer that raced with the end either saw terminated and took its write back, or is here
            while (queue.drainTo(batch, settings.batch()) > 0) {
                process(batch);
                batch.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            terminated = true;
            giveUp(batch, e);
            batch.clear();
            queue.drainTo(batch);
            giveUp(batch, e);
        } catch (RuntimeException | Error e) {
            LOG.error("The archive writer stopped on an unexpected error; queued writes go synchronously from now on", e);
            terminated = true;
            closing = true;
            giveUp(batch, e);
            batch.clear();
            queue.drainTo(batch);
            giveUp(batch, e);
        } finally {
            finished.countDown();
        }
    }

    /** Writes a batch: the rows of each store in one transaction, then the removals; then releases the ids. */
    private void process(List<Write> batch) throws InterruptedException {
        Map<ArchiveStore, List<ArchivedMessage>> appends = new LinkedHashMap<>();
        List<Remove> removals = new ArrayList<>();
        for (Write write : batch) {
            if (write instanceof Append append) {
                appends.computeIfAbsent(append.store(), s -> new ArrayList<>()).addAll(append.rows());
            } else if (write instanceof Remove remove) {
                List<ArchivedMessage> pending = appends.get(remove.store());
                // not written yet: leave it out; written before: remove it after this batch's rows
                if (pending == null || !pending.removeIf(m -> m.owner().equals(remove.owner()) && m.id().equals(remove.id()))) {
                    removals.add(remove);
                }
            }
        }
        try {
            for (Map.Entry<ArchiveStore, List<ArchivedMessage>> e : appends.entrySet()) {
                write(e.getKey(), e.getValue());
            }
            for (Remove remove : removals) {
                remove(remove);
            }
        } finally {
            for (Write write : batch) {
                if (write instanceof Append append) {
                    committed.accept(append.values());
                }
            }
        }
    }

    private void write(ArchiveStore store, List<ArchivedMessage> batchRows) throws InterruptedException {
        List<ArchivedMessage> left = new ArrayList<>(batchRows);
        boolean oneByOne = false;
        int attempts = 0;
        RuntimeException last = null;
        while (!left.isEmpty()) {
            try {
                if (attempts > 0) {
                    left = notWritten(store, left);
                }
                if (oneByOne) {
                    writeOneByOne(store, left);
                } else if (!left.isEmpty()) {
                    store.append(left);
                    rows.addAndGet(left.size());
                    batches.incrementAndGet();
                    left = List.of();
                }
            } catch (RuntimeException e) {
                if (!oneByOne && rejected(e)) {
                    oneByOne = true; // one row the database refuses must not hold back the others
                    continue;
                }
                last = e;
                attempts++;
                failures.incrementAndGet();
                if (!pauseAfter(attempts, e, left.size())) {
                    lose(left, "the node stopped and the database kept failing for " + settings.closeTimeout(), e);
                    return;
                }
            }
        }
        if (attempts > 0) {
            LOG.info("Archive writes go through again after {} failed attempts (last: {})", attempts, last == null ? "" : last.getMessage());
        }
    }

    /** Writes rows in a transaction each, leaving out the ones the database rejects; throws on another failure. */
    private void writeOneByOne(ArchiveStore store, List<ArchivedMessage> left) {
        Iterator<ArchivedMessage> it = left.iterator();
        while (it.hasNext()) {
            ArchivedMessage m = it.next();
            try {
                store.append(List.of(m));
                rows.incrementAndGet();
                batches.incrementAndGet();
            } catch (RuntimeException e) {
                if (!rejected(e)) {
                    throw e;
                }
                rejected.incrementAndGet();
                LOG.warn("The database rejected archived message {} of '{}'; it is not archived: {}", m.id(), m.owner(), rootMessage(e));
            }
            it.remove();
        }
    }

    /** The rows not in the store yet (a commit whose acknowledgement was lost may have written some). */
    private static List<ArchivedMessage> notWritten(ArchiveStore store, List<ArchivedMessage> rows) {
        Map<String, List<String>> byOwner = new LinkedHashMap<>();
        for (ArchivedMessage m : rows) {
            byOwner.computeIfAbsent(m.owner(), o -> new ArrayList<>()).add(m.id());
        }
        Map<String, Set<String>> present = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : byOwner.entrySet()) {
            present.put(e.getKey(), store.existing(e.getKey(), e.getValue()));
        }
        List<ArchivedMessage> left = new ArrayList<>(rows.size());
        for (ArchivedMessage m : rows) {
            if (!present.get(m.owner()).contains(m.id())) {
                left.add(m);
            }
        }
        return left;
    }

    private void remove(Remove remove) throws InterruptedException {
        int attempts = 0;
        while (true) {
            try {
                remove.store().remove(remove.owner(), List.of(remove.id()));
                return;
            } catch (RuntimeException e) {
                attempts++;
                failures.incrementAndGet();
                if (rejected(e) || !pauseAfter(attempts, e, 1)) {
                    LOG.error("Could not take message {} out of the archive of '{}' (it was bounced)", remove.id(), remove.owner(), e);
                    return;
                }
            }
        }
    }

    /**
     * Logs a failure and pauses before the next attempt.
     *
     * @return {@code false} when the node is stopping and the close timeout has passed: give up
     */
    private boolean pauseAfter(int attempts, RuntimeException e, int waiting) throws InterruptedException {
        long delay = Math.min(settings.maxRetry().toNanos(), settings.firstRetry().toNanos() << Math.min(attempts - 1, 30));
        if (closing) {
            long left = closeDeadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            delay = Math.min(delay, left);
        }
        if (attempts == 1) {
            LOG.warn("Could not write {} archived messages; retrying in {} ms, they wait in the writer's queue ({} queued)", waiting,
                    TimeUnit.NANOSECONDS.toMillis(delay), queue.size(), e);
        } else {
            LOG.warn("Archive write attempt {} failed ({} messages, {} queued): {}; retrying in {} ms", attempts, waiting, queue.size(),
                    rootMessage(e), TimeUnit.NANOSECONDS.toMillis(delay));
        }
        long until = System.nanoTime() + delay;
        synchronized (pause) {
            boolean wasClosing = closing;
            long nudged = nudges;
            for (long left = delay; left > 0 && closing == wasClosing && nudges == nudged; left = until - System.nanoTime()) {
                TimeUnit.NANOSECONDS.timedWait(pause, left);
            }
        }
        return true;
    }

    private void giveUp(List<Write> writes, Throwable cause) {
        for (Write write : writes) {
            if (write instanceof Append append) {
                lose(append.rows(), "the writer was stopped (it may have written some of them)", cause);
                committed.accept(append.values());
            }
        }
    }

    private void lose(Collection<ArchivedMessage> rowsLost, String why, Throwable cause) {
        if (rowsLost.isEmpty()) {
            return;
        }
        lost.addAndGet(rowsLost.size());
        List<String> which = new ArrayList<>();
        for (ArchivedMessage m : rowsLost) {
            which.add(m.owner() + ":" + m.id());
        }
        LOG.error("Gave up writing {} archived messages ({}): {}", rowsLost.size(), why, which, cause);
    }

    /** Whether the database refused the rows themselves (SQL state class 22 or 23) rather than failing. */
    static boolean rejected(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            // a batch's exception may carry the row's own in its chain of next exceptions
            for (SQLException sql = t instanceof SQLException s ? s : null; sql != null; sql = sql.getNextException()) {
                String state = sql.getSQLState();
                if (state != null && (state.startsWith("23") || state.startsWith("22"))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
