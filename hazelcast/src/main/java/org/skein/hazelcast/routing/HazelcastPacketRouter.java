package org.skein.hazelcast.routing;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.config.ExecutorConfig;
import com.hazelcast.core.ExecutionCallback;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;
import com.hazelcast.spi.properties.ClusterProperty;
import com.hazelcast.spi.properties.HazelcastProperties;
import java.time.Clock;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.skein.cluster.NodeID;
import org.skein.hazelcast.logging.RateLimitedLog;
import org.skein.routing.Addressing;
import org.skein.routing.InboundDelivery;
import org.skein.routing.RemotePacketRouter;
import org.skein.routing.RoutingTable;
import org.skein.xmpp.stream.StanzaParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.JID;
import org.xmpp.packet.Packet;

/**
 * The Hazelcast plugin's {@link RemotePacketRouter}: carries stanzas to sessions on other nodes.
 *
 * <h2>The path of a stanza</h2>
 * <ol>
 *   <li>{@link #routePacket} (on the sender's processing thread) turns the stanza into its XML bytes
 *       and puts them, with the recipient's full JID, into the queue of the destination node
 *       ({@link RouterSettings#queueSize()} stanzas at most). If fewer than
 *       {@link RouterSettings#batchesInFlight()} batches are on their way to that node, the same thread
 *       sends what is queued as a batch; it never waits for the other node.</li>
 *   <li>A batch is whatever waits, up to {@link RouterSettings#batchSize()} stanzas and
 *       {@link RouterSettings#batchBytes()} bytes: a lone stanza leaves at once, a busy destination gets
 *       large batches. It travels as plain bytes with its stream and sequence number ({@link StanzaBatch})
 *       on the members' {@value RouterSettings#EXECUTOR} executor.</li>
 *   <li>The destination takes the batches of this node one after the other in sequence order
 *       ({@link SourceSequence}: a batch that arrives early waits for the earlier ones), so the order of
 *       the queue is kept although several batches travel at once, and hands their stanzas to the node's
 *       {@link InboundDelivery}, which delivers them on the node's own threads (never on Hazelcast's).
 *       The answer says up to which batch the stream is taken, and frees slots for the next batches;
 *       while the destination's delivery is full the answer is "busy" and the batch is sent again
 *       {@value #BUSY_RETRY_MILLIS} ms later.</li>
 * </ol>
 *
 * <h2>Backpressure</h2>
 * As {@link RemotePacketRouter} states: when a destination's queue is full, {@code routePacket} blocks the
 * calling thread (and so, through TCP, the client that sends) until there is room, at most
 * {@link RouterSettings#enqueueTimeout()}; on a Hazelcast thread (a cluster task that routes) it does not
 * wait at all. After that the stanza is handled as undeliverable: a node that takes nothing for that long
 * is treated as unreachable for it. Blocking rather than failing at once keeps a burst to a slow node
 * whole and in order; the bound keeps a stalled node from holding the sender forever.
 *
 * <h2>Failure</h2>
 * Every stanza accepted and not acknowledged is handed back to
 * {@link RoutingTable#remoteDeliveryFailed} (on this router's own thread) when its destination leaves
 * or crashes, when its batch (or another batch in flight to that node: the destination could not
 * deliver the later ones in order) fails or is not acknowledged within {@link RouterSettings#batchTimeout()},
 * and when this node leaves the cluster (after up to the enqueue timeout to drain). The routing table
 * drops the route and treats the recipient as offline: a message goes to the user's other resources
 * or to offline storage, an IQ request gets an error. A batch that was in flight when its node died
 * may have been delivered in part or whole: handing it back makes delivery <em>at least once</em>
 * (the user may see such a message twice: live and from offline storage), never lost in silence.
 *
 * <h2>One path per stanza</h2>
 * A destination that is frozen (SIGSTOP), starved or cut off keeps the batches sent to it and may take
 * them when it runs again, after this node handed them back. So that such a stanza is not delivered
 * twice (live, and from offline storage or to another resource), each batch carries this node's
 * monotonic time when it left, the batch timeout and the destination's silence bound (the heartbeat
 * timeout less one heartbeat interval: after that much silence this node may remove the destination's
 * member and hand back what is in flight). The destination refuses a batch that is too late
 * ({@link LateBatchGuard}: older than the timeout less a margin of a quarter of it, at most 5 s, or
 * taken after the destination was paused for nearly the silence bound since it was sent), drops the
 * rest of that stream, and answers so; this node then hands the batch back, as for a failure. Only
 * monotonic clocks are used, no wall clock is compared between machines. What remains
 * <em>at least once</em>: a batch delivered whose acknowledgement does not come back within the margin
 * (the network between the nodes fails in that moment, or this node itself is paused then), a
 * destination removed for silence although its process was not paused (its heartbeats were lost on
 * the network), and a stanza handed back because this node left the cluster while its batch was on
 * its way. The delivery to the user's client (TCP, stream management) is a separate hop.
 *
 * <p>Thread-safe. Created when the node joins a cluster, {@linkplain #close() closed} when it leaves.
 */
public final class HazelcastPacketRouter implements RemotePacketRouter, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HazelcastPacketRouter.class);
    private static final long MAX_DRAIN_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** How long a batch refused as busy waits before it is sent again. */
    private static final long BUSY_RETRY_MILLIS = 20;
    /**
     * How long stanzas handed back while their node is still a member wait before they are routed again
     * (the node was paused, or is overloaded: an immediate retry would likely fail the same way).
     */
    static final long RETRY_PAUSE_MILLIS = 1000;

    private final NodeID localNode;
    private final RoutingTable routingTable;
    private final RouterSettings settings;
    private final BatchTransport transport;
    private final BatchReceiver receiver;
    private final RouterMeters meters;
    private final java.util.function.ToLongFunction<NodeID> queuedFor;
    private final LongSupplier nanoTime;
    private final String epoch;
    private final long silenceNanos;
    private final long overdueCheckNanos;
    private long lastOverdueCheck;
    private final ScheduledExecutorService pulse;
    private final AtomicLong outboxGenerations = new AtomicLong();
    private final ScheduledExecutorService thread;
    private volatile Thread routerThread;
    /** When the last hand-back asked for runs (nanoTime): a later one never runs before it. Guarded by handBackOrder. */
    private long handBackDue;
    private final Object handBackOrder = new Object();
    /** Warnings that a busy or paused node can repeat for every stanza: a few a minute, the rest counted. */
    private final RateLimitedLog retryWarnings = RateLimitedLog.perMinute(LOG, Clock.systemUTC());
    private final Map<NodeID, Outbox> outboxes = new ConcurrentHashMap<>();
    private final Map<NodeID, DestinationCounters> destinations = new ConcurrentHashMap<>();
    private volatile boolean closed;

    BatchReceiver receiver() {
        return receiver;
    }

    HazelcastPacketRouter(NodeID localNode, RoutingTable routingTable, RouterSettings settings, BatchTransport transport,
                          BatchReceiver receiver, LongSupplier nanoTime, String epoch, Duration silence) {
        this(localNode, routingTable, settings, transport, receiver, RouterMeters.unregistered(), nanoTime, epoch, silence);
    }

    HazelcastPacketRouter(NodeID localNode, RoutingTable routingTable, RouterSettings settings, BatchTransport transport,
                          BatchReceiver receiver, RouterMeters meters, LongSupplier nanoTime, String epoch, Duration silence) {
        this.localNode = Objects.requireNonNull(localNode, "localNode");
        this.routingTable = Objects.requireNonNull(routingTable, "routingTable");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.receiver = Objects.requireNonNull(receiver, "receiver");
        this.meters = Objects.requireNonNull(meters, "meters");
        this.queuedFor = node -> {
            DestinationCounters counters = destinations.get(node);
            return counters == null ? 0 : counters.queued.get();
        };
        meters.attach(queuedFor);
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.epoch = Objects.requireNonNull(epoch, "epoch");
        this.silenceNanos = silence.toNanos();
        this.thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread t = new Thread(runnable, threadName(localNode));
            t.setDaemon(true);
            routerThread = t;
            return t;
        });
        long check = Math.max(50, Math.min(1000, settings.batchTimeout().toMillis() / 4));
        this.overdueCheckNanos = TimeUnit.MILLISECONDS.toNanos(check);
        this.lastOverdueCheck = nanoTime.getAsLong();
        thread.scheduleWithFixedDelay(this::failOverdueBatches, check, check, TimeUnit.MILLISECONDS);
        // the receiver's clock watch, on a thread of its own: the router's thread may be busy handing stanzas back
        this.pulse = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread t = new Thread(runnable, threadName(localNode) + "-pulse");
            t.setDaemon(true);
            return t;
        });
        pulse.scheduleAtFixedRate(() -> receiver.guard().observe(), LateBatchGuard.PULSE_MILLIS, LateBatchGuard.PULSE_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    /** The name (prefix) of the router's thread on a node: tests look for leaks with it. */
    public static String threadName(NodeID node) {
        return "skein-packet-router-" + node.value();
    }

    /** Adds the router's executor to a member's configuration (before the member starts). */
    public static void configure(Config config, RouterSettings settings) {
        config.addExecutorConfig(new ExecutorConfig(RouterSettings.EXECUTOR)
                .setPoolSize(settings.threads())
                // each other node has at most batchesInFlight batches here: the queue holds those of many nodes
                .setQueueCapacity(1024)
                .setStatisticsEnabled(true));
    }

    /**
     * Starts the router of a node that is now a member: its receiver is put into the member's user
     * context (batches from other nodes find it there) and the router is set on the routing table.
     *
     * @param members the member that runs a node, or {@code null} if none does
     * @param meters the node's router meters (they outlive this router)
     */
    public static HazelcastPacketRouter start(NodeID localNode, RoutingTable routingTable, InboundDelivery inbound,
                                              RouterSettings settings, HazelcastInstance member, Function<NodeID, Member> members,
                                              RouterMeters meters) {
        return start(localNode, routingTable, inbound, settings, member, members, meters, null);
    }

    /**
     * As above; with a {@link DirectStream}, batches to the nodes that publish a stanza port travel on it
     * (and batches that arrive on it are taken), else on Hazelcast's executor.
     *
     * @param direct the node's direct stream, or {@code null} for the Hazelcast transport alone
     */
    public static HazelcastPacketRouter start(NodeID localNode, RoutingTable routingTable, InboundDelivery inbound,
                                              RouterSettings settings, HazelcastInstance member, Function<NodeID, Member> members,
                                              RouterMeters meters, DirectStream direct) {
        BatchReceiver receiver = new BatchReceiver(localNode, inbound, meters);
        BatchTransport executor = new ExecutorTransport(member.getExecutorService(RouterSettings.EXECUTOR), members);
        HazelcastPacketRouter router = new HazelcastPacketRouter(localNode, routingTable, settings,
                direct == null ? executor : direct.transport(executor), receiver, meters, System::nanoTime,
                member.getCluster().getLocalMember().getUuid().toString(), silence(member.getConfig()));
        member.getUserContext().put(StanzaBatch.RECEIVER_KEY, receiver);
        if (direct != null) {
            direct.serve(receiver);
        }
        routingTable.setRemotePacketRouter(router);
        LOG.info("Node {} routes stanzas to other nodes in batches on {} (queue {} per node, enqueue timeout {} ms)", localNode,
                direct == null ? "Hazelcast's executor" : "the direct stream (port " + direct.port() + ")",
                settings.queueSize(), settings.enqueueTimeout().toMillis());
        return router;
    }

    /**
     * The shortest silence of another member after which this member may remove it: the heartbeat timeout
     * less one heartbeat interval (its last heartbeat may have left that long before it fell silent).
     */
    static Duration silence(Config config) {
        HazelcastProperties properties = new HazelcastProperties(config);
        long timeout = properties.getMillis(ClusterProperty.MAX_NO_HEARTBEAT_SECONDS);
        long interval = properties.getMillis(ClusterProperty.HEARTBEAT_INTERVAL_SECONDS);
        return Duration.ofMillis(Math.max(timeout / 2, timeout - interval));
    }

    // --- sending ---

    @Override
    public boolean routePacket(NodeID node, JID recipient, Packet packet) {
        long now = nanoTime.getAsLong();
        return enqueue(node, new QueuedStanza(List.of(recipient.toString()), Addressing.AS_IS,
                packet.toXML().getBytes(StandardCharsets.UTF_8), now));
    }

    /**
     * One entry for all of the recipients (up to {@link QueuedStanza#MAX_RECIPIENTS} per entry; a larger
     * group takes several entries, one after the other): the stanza crosses once and node {@code node}
     * addresses it to each recipient.
     */
    @Override
    public boolean routePacket(NodeID node, List<JID> recipients, Addressing addressing, Packet packet) {
        long now = nanoTime.getAsLong();
        byte[] xml = packet.toXML().getBytes(StandardCharsets.UTF_8);
        for (int from = 0; from < recipients.size(); from += QueuedStanza.MAX_RECIPIENTS) {
            List<String> part = new ArrayList<>();
            for (JID recipient : recipients.subList(from, Math.min(recipients.size(), from + QueuedStanza.MAX_RECIPIENTS))) {
                part.add(recipient.toString());
            }
            if (!enqueue(node, new QueuedStanza(part, addressing, xml, now))) {
                return false;
            }
        }
        return true;
    }

    private boolean enqueue(NodeID node, QueuedStanza stanza) {
        if (closed || localNode.equals(node)) {
            return false;
        }
        Outbox outbox = outbox(node);
        if (outbox == null) {
            if (destinations.containsKey(node)) {
                // a node this router sent to is gone: the stanza goes back behind what its queue handed back,
                // on the same thread, so that offline storage keeps the order of each sender
                handBack(node, List.of(stanza), RouterMeters.HandBack.NODE_LEFT, "the node is not a member of the cluster");
                return true;
            }
            return false;
        }
        Outbox.Offer offer;
        try {
            // the rule of RemotePacketRouter: a Hazelcast thread (a cluster task that routes) never waits for room
            offer = outbox.offer(stanza, mayNotWait() ? 0 : settings.enqueueTimeout().toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            offer = Outbox.Offer.TIMED_OUT;
        }
        if (offer.accepted()) {
            send(outbox, offer.toSend());
            return true;
        }
        if (offer.refusal() == Outbox.Refusal.CLOSED) {
            // the node left meanwhile: handed back behind the queue's stanzas (see closeAndHandBack), in order
            synchronized (outbox) {
                handBack(node, List.of(stanza), RouterMeters.HandBack.NODE_LEFT, "the node left the cluster");
            }
            return true;
        }
        destinations.get(node).failed.incrementAndGet();
        retryWarnings.warn("queue-full", "Node {}: the queue to node {} stayed full ({} ms on this thread); a stanza for {} is handed back",
                localNode, node, mayNotWait() ? 0 : settings.enqueueTimeout().toMillis(), stanza.recipients());
        handBack(node, List.of(stanza), RouterMeters.HandBack.QUEUE_FULL, "its queue stayed full");
        return true;
    }

    /** Whether this is one of the Hazelcast member's own threads (named {@code hz.<instance>.<purpose>}). */
    private static boolean onHazelcastThread() {
        return Thread.currentThread().getName().startsWith("hz.");
    }

    /**
     * Whether the calling thread must not wait for room in a queue: Hazelcast's threads, and the router's
     * own (it routes handed-back stanzas again, and the queues drain only when it sends).
     */
    private boolean mayNotWait() {
        return onHazelcastThread() || Thread.currentThread() == routerThread;
    }

    private Outbox outbox(NodeID node) {
        Outbox outbox = outboxes.get(node);
        if (outbox != null) {
            return outbox;
        }
        Object member = transport.member(node);
        if (member == null) {
            return null;
        }
        DestinationCounters counters = destinations.computeIfAbsent(node, n -> {
            DestinationCounters created = new DestinationCounters();
            created.onPushback = meters.peer(n)::queueFull;
            return created;
        });
        // the destination keeps an order per sending member (this router's epoch), so streams need only count up
        // within this router: each outbox takes its own range, above every earlier outbox's
        return outboxes.computeIfAbsent(node, n -> new Outbox(n, member, counters, settings, nanoTime,
                outboxGenerations.incrementAndGet() << 32));
    }

    /** Sends batches; a batch that cannot even be sent fails (with the others in flight), and the next ones are tried. */
    private void send(Outbox outbox, List<Outbox.Batch> batches) {
        List<Outbox.Batch> todo = batches;
        while (!todo.isEmpty() && !closed) {
            List<Outbox.Batch> more = List.of();
            RouterMeters.Peer peer = meters.peer(outbox.node());
            for (Outbox.Batch batch : todo) {
                try {
                    long leaving = nanoTime.getAsLong();
                    byte[] bytes = BatchCodec.encode(batch.stanzas);
                    for (QueuedStanza stanza : batch.stanzas) {
                        if (stanza.queuedAt() != 0) {
                            peer.queued(leaving - stanza.queuedAt());
                        }
                    }
                    peer.sent(batch.stanzas.size(), bytes.length);
                    long sentAt = nanoTime.getAsLong();
                    transport.send(outbox.member(), new StanzaBatch(localNode, epoch, batch.stream, batch.seq,
                                    new StanzaBatch.Timing(batch.sentAt, settings.batchTimeout().toNanos(), silenceNanos), bytes),
                            (answer, failure) -> {
                                if (failure == null && answer == BatchReceiver.BUSY) {
                                    peer.busy();
                                    retryLater(outbox, batch);
                                } else if (failure == null && answer == SourceSequence.LATE) {
                                    send(outbox, batchFailed(outbox, batch, new java.util.concurrent.TimeoutException(
                                            "node " + outbox.node() + " took it too late and dropped it"), RouterMeters.HandBack.BATCH_FAILED));
                                } else if (failure == null) {
                                    peer.answered(nanoTime.getAsLong() - sentAt);
                                    send(outbox, outbox.acknowledged(batch.stream, answer));
                                } else {
                                    send(outbox, batchFailed(outbox, batch, failure, RouterMeters.HandBack.BATCH_FAILED));
                                }
                            });
                    peer.invoked(nanoTime.getAsLong() - sentAt);
                } catch (RuntimeException e) {
                    more = batchFailed(outbox, batch, e, RouterMeters.HandBack.BATCH_FAILED);
                    break; // the rest of this list was given up with it
                }
            }
            todo = more;
        }
    }

    /** The destination's delivery was full: the batch is sent again shortly, if it is still in flight then. */
    private void retryLater(Outbox outbox, Outbox.Batch batch) {
        try {
            thread.schedule(() -> {
                if (!closed && outbox.inFlight(batch)) {
                    send(outbox, List.of(batch));
                }
            }, BUSY_RETRY_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("Node {}: closing; a batch refused as busy by node {} is handed back with the rest", localNode, outbox.node());
        }
    }

    private void send(Outbox outbox, Outbox.Batch batch) {
        if (batch != null) {
            send(outbox, List.of(batch));
        }
    }

    /** Hands the batches in flight back after one failed; returns the next batches to send. */
    private List<Outbox.Batch> batchFailed(Outbox outbox, Outbox.Batch batch, Throwable failure, RouterMeters.HandBack reason) {
        // the outbox's order of hand-backs is the router thread's order: a failure and a close on two threads
        // must not queue theirs the other way round (the stanzas would reach offline storage out of order)
        synchronized (outbox) {
            Outbox.Failure failed = outbox.failed(batch);
            if (failed == null) {
                return List.of();
            }
            handBack(outbox.node(), failed.failed(), reason, "its batch failed: " + failure);
            return failed.next();
        }
    }

    /** Closes an outbox and hands back what it held, in the outbox's order (see {@link #batchFailed}). */
    private void closeAndHandBack(Outbox outbox, RouterMeters.HandBack reason, String why) {
        synchronized (outbox) {
            handBack(outbox.node(), outbox.close(), reason, why);
        }
    }

    private void failOverdueBatches() {
        long now = nanoTime.getAsLong();
        long gap = now - lastOverdueCheck;
        lastOverdueCheck = now;
        if (gap > 2 * overdueCheckNanos + TimeUnit.SECONDS.toNanos(1)) {
            // this thread (or the whole process) was paused: let the answers that came meanwhile be read first
            LOG.debug("Node {}: the packet router's timer ran {} ms late; overdue batches are checked next round", localNode,
                    TimeUnit.NANOSECONDS.toMillis(gap));
            return;
        }
        for (Outbox outbox : outboxes.values()) {
            Outbox.Batch overdue = outbox.overdue(settings.batchTimeout().toNanos());
            if (overdue != null) {
                send(outbox, batchFailed(outbox, overdue, new java.util.concurrent.TimeoutException(
                        "no acknowledgement within " + settings.batchTimeout().toMillis() + " ms"), RouterMeters.HandBack.BATCH_TIMEOUT));
            }
        }
    }

    /**
     * Gives stanzas back to the routing table, on the router's thread (it may store them offline: I/O), one
     * hand-back after the other in the order they were asked for.
     */
    private void handBack(NodeID node, List<QueuedStanza> stanzas, RouterMeters.HandBack reason, String why) {
        if (stanzas.isEmpty()) {
            return;
        }
        int recipients = 0;
        for (QueuedStanza stanza : stanzas) {
            recipients += stanza.recipients().size();
        }
        meters.peer(node).handedBack(reason, recipients);
        // a node that is still a member keeps its sessions: their routes stay and the stanzas go to them again
        boolean retry = reason != RouterMeters.HandBack.NODE_LEFT && reason != RouterMeters.HandBack.LEAVING && !closed
                && transport.member(node) != null;
        if (retry) {
            // a queue that stays full retries the same stanzas every pause: a few lines a minute say so
            retryWarnings.warn("retry", "Node {}: {} stanza(s) for node {} could not be delivered ({}); the node is still "
                    + "a member: they are routed again in {} ms", localNode, stanzas.size(), node, why, RETRY_PAUSE_MILLIS);
        } else {
            LOG.warn("Node {}: {} stanza(s) for node {} could not be delivered ({}); they are handled as for offline recipients",
                    localNode, stanzas.size(), node, why);
        }
        Runnable work = () -> {
            for (QueuedStanza stanza : stanzas) {
                try {
                    Packet packet = StanzaParser.parsePacket(new String(stanza.xml(), StandardCharsets.UTF_8));
                    for (String recipient : stanza.recipients()) {
                        JID jid = new JID(recipient);
                        Packet own = stanza.recipients().size() == 1 && stanza.addressing() == Addressing.AS_IS ? packet
                                : stanza.addressing() == Addressing.AS_IS ? packet.createCopy() : stanza.addressing().address(packet, jid);
                        if (retry) {
                            routingTable.remoteDeliveryRetry(jid, own);
                        } else {
                            routingTable.remoteDeliveryFailed(node, jid, own);
                        }
                    }
                } catch (RuntimeException e) {
                    LOG.error("Node {}: a stanza for {} that could not reach node {} could not be handled either", localNode,
                            stanza.recipients(), node, e);
                }
            }
        };
        long delay;
        synchronized (handBackOrder) {
            long now = System.nanoTime(); // the scheduler's clock
            long due = Math.max(handBackDue, retry ? now + TimeUnit.MILLISECONDS.toNanos(RETRY_PAUSE_MILLIS) : now);
            handBackDue = due;
            delay = due - now;
        }
        try {
            thread.schedule(work, delay, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            work.run(); // closing: the thread is gone, hand them back here
        }
    }

    // --- membership ---

    /**
     * Another node's member left or crashed: what this node's receiver kept for that member's batches
     * is dropped, and everything queued for the node goes back to the routing table.
     *
     * @param memberEpoch the epoch (member UUID) of the member that left
     */
    public void nodeLeft(NodeID node, String memberEpoch) {
        if (receiver.forget(node, memberEpoch)) {
            LOG.debug("Node {}: dropped the batch order kept for member {} of node {}", localNode, memberEpoch, node);
        }
        Outbox outbox = outboxes.get(node);
        if (outbox == null) {
            return;
        }
        Object now = transport.member(node);
        if (now != null && now.equals(outbox.member())) {
            return; // an old event: the member is still there
        }
        // closed before it is removed: a stanza routed meanwhile finds it closed, or no box, and is handed back after its content
        closeAndHandBack(outbox, RouterMeters.HandBack.NODE_LEFT, "the node left the cluster");
        outboxes.remove(node, outbox);
        transport.memberLeft(outbox.member());
    }

    /**
     * Stops the router: it is taken off the routing table, then, on a clean leave, the queues get up
     * to the enqueue timeout (at most 5 s) to drain; whatever is left is handed back to the routing
     * table, and the router's thread stops.
     *
     * @param drain whether to let the queues drain first (a clean leave); {@code false} when the member is gone
     */
    public void stop(boolean drain) {
        if (routingTable.getRemotePacketRouter() == this) {
            routingTable.setRemotePacketRouter(null);
        }
        if (drain && !closed) {
            long deadline = nanoTime.getAsLong() + Math.min(settings.enqueueTimeout().toNanos(), MAX_DRAIN_NANOS);
            try {
                for (Outbox outbox : outboxes.values()) {
                    outbox.awaitIdle(Math.max(0, deadline - nanoTime.getAsLong()));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closed = true;
        for (Outbox outbox : new ArrayList<>(outboxes.values())) {
            outboxes.remove(outbox.node(), outbox);
            closeAndHandBack(outbox, RouterMeters.HandBack.LEAVING, "this node leaves the cluster");
        }
        meters.detach(queuedFor);
        thread.shutdown();
        pulse.shutdownNow();
        try {
            if (!thread.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("Node {}: the packet router's thread did not finish handing back stanzas in 30 s", localNode);
                thread.shutdownNow();
            }
            pulse.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            thread.shutdownNow();
        }
    }

    /** Same as {@link #stop(boolean) stop(false)}. */
    @Override
    public void close() {
        stop(false);
    }

    // --- figures and hooks ---

    /** The router's counters now. */
    public RouterFigures figures() {
        List<RouterFigures.Destination> sent = new ArrayList<>();
        destinations.forEach((node, c) -> {
            Object member = transport.member(node);
            sent.add(new RouterFigures.Destination(node.value(), member != null, member == null ? "" : transport.kind(member),
                c.queued.get(), c.sent.get(), c.failed.get(), c.batches.get(), c.pushbacks.get()));
        });
        sent.sort(Comparator.comparing(RouterFigures.Destination::node));
        List<RouterFigures.Source> received = new ArrayList<>();
        receiver.sources().forEach((node, c) -> received.add(new RouterFigures.Source(node.value(), c.batches.get(),
                c.delivered.get(), c.undeliverable.get(), c.malformed.get())));
        received.sort(Comparator.comparing(RouterFigures.Source::node));
        return new RouterFigures(!closed, transport.ownKind(), List.copyOf(sent), List.copyOf(received));
    }

    /**
     * A hook run on the delivering thread before each batch this node receives is delivered, or
     * {@code null} for none. For tests, which stall a destination with it; production code sets none.
     */
    public void setReceiveHook(Runnable hook) {
        receiver.beforeEachBatch(hook);
    }

    // --- the transport ---

    /** Batches on the members' router executor, answered through a callback. */
    private record ExecutorTransport(IExecutorService executor, Function<NodeID, Member> members) implements BatchTransport {

        @Override
        public Object member(NodeID node) {
            return members.apply(node);
        }

        @Override
        public void send(Object member, StanzaBatch batch, BiConsumer<Long, Throwable> done) {
            executor.submitToMember(batch, (Member) member, new ExecutionCallback<Long>() {
                @Override
                public void onResponse(Long response) {
                    done.accept(response, null);
                }

                @Override
                public void onFailure(Throwable t) {
                    done.accept(null, t);
                }
            });
        }
    }
}
