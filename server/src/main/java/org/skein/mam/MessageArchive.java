package org.skein.mam;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.Executor;
import java.util.function.BiPredicate;
import org.dom4j.Element;
import org.skein.cluster.ClusterTask;
import org.skein.cluster.ClusterTaskResults;
import org.skein.cluster.TaskContext;
import org.skein.clustering.ClusterManager;
import org.skein.stanzaid.StanzaIdGenerator;
import org.skein.stanzaid.StanzaIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;

/**
 * The archives of a node's domain: writes a message once when the server accepts it for a local account
 * ({@link #accepted}), and answers queries that are complete and stable whichever node wrote what
 * ({@link #query}, after {@link #settle}). See the package description for the why. Thread-safe; blocks
 * on the store.
 */
public final class MessageArchive {

    /** The namespace of XEP-0313 version 2. */
    public static final String NAMESPACE = "urn:xmpp:mam:2";
    /** The namespace of the extended query fields ({@code before-id}, {@code after-id}, {@code ids}). */
    public static final String EXTENDED = "urn:xmpp:mam:2#extended";
    /** Config key: whether accounts' messages are archived (default true). */
    public static final String ENABLED_KEY = "mam.enabled";
    /** Config key: how long archived messages are kept (a duration such as 365d; -1, the default, for ever). */
    public static final String RETENTION_KEY = "mam.retention";
    private static final int PURGE_BATCH = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(MessageArchive.class);
    private static final String HINTS = "urn:xmpp:hints";
    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(5);

    private final String domain;
    private final StanzaIdGenerator ids;
    private final ArchiveStore store;
    private final ArchiveStore roomStore;
    private final ArchivePreferences prefs;
    private final BiPredicate<String, String> inRoster;
    private final ClusterManager cluster;
    private final boolean enabled;
    private final ArchiveWriter writer;
    private final Object lock = new Object();
    /** Ids issued whose rows are not committed yet (guarded by lock). */
    private final TreeSet<Long> inflight = new TreeSet<>();
    private int settling;

    /**
     * @param prefs the accounts' archiving preferences
     * @param inRoster whether a bare JID is in an account's roster (username, bare JID), for the {@code roster} default
     * @param writerSettings how the archive writer batches and retries
     * @param writerExecutor runs the archive writer's loop from {@link #start} to {@link #close} (a thread of its own,
     *     which the node owns)
     */
    public MessageArchive(String domain, StanzaIdGenerator ids, ArchiveStore store, ArchiveStore roomStore, ArchivePreferences prefs,
                          BiPredicate<String, String> inRoster, ClusterManager cluster, boolean enabled,
                          ArchiveWriterSettings writerSettings, Executor writerExecutor) {
        this.domain = Objects.requireNonNull(domain, "domain");
        this.ids = Objects.requireNonNull(ids, "ids");
        this.store = Objects.requireNonNull(store, "store");
        this.roomStore = Objects.requireNonNull(roomStore, "roomStore");
        this.prefs = Objects.requireNonNull(prefs, "prefs");
        this.inRoster = Objects.requireNonNull(inRoster, "inRoster");
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.enabled = enabled;
        this.writer = new ArchiveWriter(writerSettings, writerExecutor, this::release);
    }

    /** Starts the archive writer; until then (and after {@link #close}) every message is written synchronously. */
    public void start() {
        if (enabled) {
            writer.start();
        }
    }

    /**
     * Writes what the archive writer holds and stops it (see {@code ArchiveWriter} for a database that keeps
     * failing). Later messages are written synchronously. Call it after the node stopped taking messages.
     */
    public void close() {
        writer.close();
    }

    /** The archive writer's counts since start (rows, transactions, failures, rejected and lost rows, synchronous writes). */
    public WriterStats writerStats() {
        ArchiveWriter.Stats s = writer.stats();
        return new WriterStats(s.rows(), s.batches(), s.failures(), s.rejected(), s.lost(), s.fallbacks(), writer.pending());
    }

    /**
     * The archive writer's counts since start.
     *
     * @param rows rows committed
     * @param transactions transactions that committed them
     * @param failures failed attempts (each retried)
     * @param rejected rows the database refused (logged, not archived)
     * @param lost rows given up at stop while the database failed (logged)
     * @param synchronous messages written on the sender's thread (writer not running, or its queue full)
     * @param queued writes waiting now
     */
    public record WriterStats(long rows, long transactions, long failures, long rejected, long lost, long synchronous, int queued) {
    }

    /**
     * Removes what is older than the retention limit from the archives of accounts and of {@code others}
     * (the rooms' store), when this node is the senior member (one node does it for the cluster) and a
     * limit is set. The node runs it every hour.
     *
     * @return how many messages went
     */
    public long purgeExpired(Duration retention, java.time.Instant now, ArchiveStore... others) {
        if (retention == null || !cluster.isSeniorClusterMember()) {
            return 0;
        }
        java.time.Instant cutoff = now.minus(retention);
        long removed = store.removeOlderThan(cutoff, PURGE_BATCH);
        for (ArchiveStore other : others) {
            removed += other.removeOlderThan(cutoff, PURGE_BATCH);
        }
        if (removed > 0) {
            LOG.info("Removed {} archived messages older than {} ({} = {})", removed, cutoff, RETENTION_KEY, retention);
        }
        return removed;
    }

    /** Whether messages are archived on this node ({@value #ENABLED_KEY}). */
    public boolean isEnabled() {
        return enabled;
    }

    /** The accounts' archiving preferences. */
    public ArchivePreferences preferences() {
        return prefs;
    }

    /** The rooms' archives (written by each room's home node: {@link #appendToRoom}). */
    public ArchiveStore roomStore() {
        return roomStore;
    }

    /** A new stanza id of this node (for what is not archived, such as a message of a room that keeps no archive). */
    public String newId() {
        return ids.next();
    }

    /**
     * Archives a message a room broadcast (its home node calls this, once, before the broadcast).
     *
     * @param room the room's bare JID
     * @param nick the sender's nick
     * @param xml the message as broadcast, without {@code to} and without the room's stanza id
     * @return the archive id, which the room stamps as its stanza id (the row is committed by the {@code ArchiveWriter});
     *     {@code null} if a synchronous write failed (logged)
     */
    public String appendToRoom(String room, String nick, String xml) {
        long value;
        synchronized (lock) {
            value = ids.nextValue();
            inflight.add(value);
        }
        long[] values = {value};
        boolean queued = false;
        try {
            String id = ids.format(value);
            List<ArchivedMessage> rows = List.of(new ArchivedMessage(room, id, StanzaIdGenerator.instantOf(id), room, nick, false, xml));
            queued = writer.offer(new ArchiveWriter.Append(roomStore, rows, values));
            if (!queued) {
                roomStore.append(rows);
            }
            return id;
        } catch (RuntimeException e) {
            LOG.warn("Could not archive a message of room {}", room, e);
            return null;
        } finally {
            if (!queued) {
                release(values);
            }
        }
    }

    /** The store, for the admin console and tests. */
    public ArchiveStore store() {
        return store;
    }

    /**
     * Whether a message belongs in archives: {@code chat} or {@code normal}, with a body, an encrypted
     * payload or a {@code <store/>} hint (XEP-0334), and without a {@code <no-store/>} or
     * {@code <no-permanent-store/>} hint.
     */
    public boolean wants(Message message) {
        if (!enabled) {
            return false;
        }
        Message.Type type = message.getType();
        if (type != null && type != Message.Type.chat && type != Message.Type.normal) {
            return false;
        }
        Element e = message.getElement();
        boolean content = message.getBody() != null;
        for (Element child : e.elements()) {
            String ns = child.getNamespaceURI();
            String name = child.getName();
            if (HINTS.equals(ns)) {
                if (name.equals("no-store") || name.equals("no-permanent-store")) {
                    return false;
                }
                if (name.equals("store")) {
                    content = true;
                }
            } else if (name.equals("encrypted") && (ns.equals("eu.siacs.conversations.axolotl") || ns.startsWith("urn:xmpp:omemo:"))
                    || name.equals("openpgp") && ns.equals("urn:xmpp:openpgp:0")) {
                content = true;
            } else if (ns.equals(NAMESPACE)) {
                return false; // an archive result is never archived again
            }
        }
        return content;
    }

    /**
     * Archives a message the server accepted for the local account it is addressed to: in that account's
     * archive, and in the sender's when the sender is a local account too, as each account's preferences
     * say. Call it once, where the
     * message is accepted, before it is delivered. The rows go to the {@code ArchiveWriter}, which commits them
     * in a batch with others soon after (or, when its queue stays full, they are written here); either way a
     * query that starts after this returned sees them ({@link #settle}).
     *
     * @return the message to deliver: a copy stamped with {@code <stanza-id by='recipient' id=.../>}, or
     *     the message itself if it is not archived (see {@link #wants}) or the write failed (logged: a
     *     message is never held back because the archive is down)
     */
    public Message accepted(Message message) {
        if (!wants(message)) {
            return message;
        }
        JID to = message.getTo();
        JID from = message.getFrom();
        if (to == null || to.getNode() == null || !domain.equals(to.getDomain())) {
            return message;
        }
        JID sender = from == null ? new JID(null, domain, null, true) : from;
        boolean forRecipient = prefs.get(to.getNode()).archives(sender, bare -> inRoster.test(to.getNode(), bare));
        boolean forSender = from != null && from.getNode() != null && domain.equals(from.getDomain())
                && !from.getNode().equals(to.getNode())
                && prefs.get(from.getNode()).archives(to, bare -> inRoster.test(from.getNode(), bare));
        if (!forRecipient && !forSender) {
            return message;
        }
        String xml = message.toXML();
        long[] values;
        synchronized (lock) {
            values = new long[(forRecipient ? 1 : 0) + (forSender ? 1 : 0)];
            for (int i = 0; i < values.length; i++) {
                values[i] = ids.nextValue();
                inflight.add(values[i]);
            }
        }
        boolean queued = false;
        try {
            List<ArchivedMessage> rows = new ArrayList<>(2);
            String recipientId = null;
            if (forRecipient) {
                recipientId = ids.format(values[0]);
                rows.add(new ArchivedMessage(to.getNode(), recipientId, StanzaIdGenerator.instantOf(recipientId),
                        sender.toBareJID(), sender.getResource(), false, xml));
            }
            if (forSender) {
                String senderId = ids.format(values[values.length - 1]);
                rows.add(new ArchivedMessage(from.getNode(), senderId, StanzaIdGenerator.instantOf(senderId), to.toBareJID(),
                        to.getResource(), true, xml));
            }
            queued = writer.offer(new ArchiveWriter.Append(store, rows, values));
            if (!queued) {
                store.append(rows);
            }
            if (recipientId == null) {
                return message;
            }
            Message stamped = message.createCopy();
            StanzaIds.stamp(stamped, to.asBareJID(), recipientId);
            return stamped;
        } catch (RuntimeException e) {
            LOG.warn("Could not archive a message from {} to {}; it is delivered without an archive id", from, to, e);
            return message;
        } finally {
            if (!queued) {
                release(values);
            }
        }
    }

    /** Takes back the recipient's row of a message {@link #accepted} stamped that the server then bounced. */
    public void withdraw(Message stamped) {
        JID to = stamped.getTo();
        if (to == null || to.getNode() == null) {
            return;
        }
        StanzaIds.stanzaId(stamped, to.asBareJID()).ifPresent(id -> {
            try {
                // through the writer, after the row it may still hold
                if (!writer.offer(new ArchiveWriter.Remove(store, to.getNode(), id))) {
                    store.remove(to.getNode(), List.of(id));
                }
            } catch (RuntimeException e) {
                LOG.warn("Could not take message {} out of the archive of {}", id, to.getNode(), e);
            }
        });
    }

    private void release(long[] values) {
        synchronized (lock) {
            for (long value : values) {
                inflight.remove(value);
            }
            if (settling > 0) {
                lock.notifyAll();
            }
        }
    }

    /**
     * This node's part of a settle: every id issued here from now on is larger than {@code floor}, and
     * every id issued here so far is committed (or failed) when this returns.
     *
     * @return the largest id value issued here (or the floor)
     * @throws InterruptedException if interrupted while waiting for a write
     */
    long settleLocally(long floor, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            ids.raiseFloor(floor);
            long high = ids.highest();
            settling++;
            try {
                if (!inflight.isEmpty() && inflight.first() <= high) {
                    writer.nudge(); // if it is pausing after a failure, the database may be back
                }
                while (!inflight.isEmpty() && inflight.first() <= high) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new IllegalStateException("archive writes on this node took longer than " + timeout);
                    }
                    lock.wait(Math.max(1, left / 1_000_000));
                }
            } finally {
                settling--;
            }
            return high;
        }
    }

    /**
     * Settles the archives of the whole cluster and returns a bound: every row with an id value up to it
     * is committed, no row with a smaller id can come later, and every message delivered before this was
     * called is below it. One round of a cluster task, or two when another node had issued larger ids.
     */
    public Settled settle() {
        long start = ids.nextValue();
        ClusterTaskResults<Long> first = cluster.doSynchronousClusterTask(new SettleTask(start), true, SETTLE_TIMEOUT);
        long high = start;
        for (Long value : first.results().values()) {
            high = Math.max(high, value);
        }
        boolean stable = first.failures().isEmpty();
        if (high > start) {
            ClusterTaskResults<Long> second = cluster.doSynchronousClusterTask(new SettleTask(high), true, SETTLE_TIMEOUT);
            stable &= second.failures().isEmpty();
        }
        if (!stable) {
            LOG.info("Archive settle: no answer from {}; the query's results may change", first.failures().keySet());
        }
        return new Settled(high, stable);
    }

    /**
     * A page of an archive (XEP-0059 paging over the filter), read after a {@link #settle}.
     *
     * @param after RSM {@code after}: the page after this id ({@code null}: from the start)
     * @param before RSM {@code before}: the page before this id; {@code ""} for the last page; {@code null} when paging forward
     * @param max the most items; 0 asks only for the count
     */
    public ArchivePage query(ArchiveFilter filter, String after, String before, int max) {
        return query(store, filter, after, before, max);
    }

    /** {@link #query} on a room's archive. */
    public ArchivePage queryRoom(ArchiveFilter filter, String after, String before, int max) {
        return query(roomStore, filter, after, before, max);
    }

    private ArchivePage query(ArchiveStore store, ArchiveFilter filter, String after, String before, int max) {
        Settled settled = settle();
        ArchiveFilter settledFilter = filter.within(null, settled.exclusiveUpperId());
        if (max == 0) {
            long count = store.count(settledFilter);
            return new ArchivePage(List.of(), count == 0, count, settled.stable());
        }
        boolean fromEnd = before != null;
        ArchiveFilter page = settledFilter.within(after, before == null || before.isEmpty() ? null : before);
        List<ArchivedMessage> rows = store.select(page, fromEnd, max + 1);
        boolean more = rows.size() > max;
        if (more) {
            rows = fromEnd ? rows.subList(rows.size() - max, rows.size()) : rows.subList(0, max);
        }
        // the count costs a scan of the whole range: given when the page is the whole result, or when asked (max 0)
        Long count = !more && after == null && (before == null || before.isEmpty()) ? Long.valueOf(rows.size()) : null;
        return new ArchivePage(List.copyOf(rows), !more, count, settled.stable());
    }

    /**
     * The first and the last message of an archive (XEP-0313 metadata), read after a {@link #settle}: the
     * last is at least as recent as every message delivered before this was called.
     *
     * @param room whether {@code owner} is a room's archive
     */
    public ArchiveMetadata metadata(String owner, boolean room) {
        ArchiveStore from = room ? roomStore : store;
        Settled settled = settle();
        ArchiveFilter all = ArchiveFilter.all(owner).within(null, settled.exclusiveUpperId());
        List<ArchivedMessage> first = from.select(all, false, 1);
        if (first.isEmpty()) {
            return new ArchiveMetadata(null, null);
        }
        List<ArchivedMessage> last = from.select(all, true, 1);
        return new ArchiveMetadata(first.get(0), last.isEmpty() ? first.get(0) : last.get(0));
    }

    /** The first and the last message of an archive; both {@code null} when it is empty. */
    public record ArchiveMetadata(ArchivedMessage first, ArchivedMessage last) {
    }

    /** What {@link #settle} found: the bound, and whether every node answered. */
    public record Settled(long bound, boolean stable) {
        /** The exclusive upper id bound of a query. */
        String exclusiveUpperId() {
            return StanzaIdGenerator.lowestIdAt(bound + 1);
        }
    }

    /** Runs {@link #settleLocally} on a node. */
    static final class SettleTask implements ClusterTask<Long> {
        private static final long serialVersionUID = 1L;
        private final long floor;

        SettleTask(long floor) {
            this.floor = floor;
        }

        @Override
        public Long execute(TaskContext context) throws Exception {
            return context.service(MessageArchive.class).settleLocally(floor, SETTLE_TIMEOUT);
        }
    }
}
