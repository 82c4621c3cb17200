package org.skein.routing;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.skein.cluster.NodeID;
import org.skein.session.LocalClientSession;
import org.skein.xmpp.stream.RawStanzas;
import org.skein.xmpp.stream.StanzaParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.JID;
import org.xmpp.packet.Packet;

/**
 * The node's {@link InboundDelivery}: stanzas from other nodes, delivered on the node's own threads.
 *
 * <ul>
 *   <li><b>Lanes.</b> Each recipient's stanzas go to one of {@code lanes} serial lanes (by the hash of
 *       the full JID), so one recipient's stanzas keep their order while different recipients are
 *       served at once. In a lane, a well-formed message or IQ for a local session is written to the
 *       session's connection as the sender serialized it ({@link RawStanzas}); anything else for a local
 *       session (a presence) is parsed and delivered as a packet.</li>
 *   <li><b>Onward.</b> A stanza whose recipient has no session here (a component's or an endpoint's
 *       address such as a room or the pubsub service, a route that moved to another node, a session
 *       that is gone) goes to one more serial lane, where the routing table routes it on.</li>
 *   <li><b>Undeliverable.</b> What cannot be routed on goes to a last serial lane, which hands it to
 *       {@link RoutingTable#remoteDeliveryFailed} (other resources, offline storage in the database, an
 *       error back). A slow or hung database therefore holds up only stanzas for recipients that are
 *       gone, never the delivery to live sessions nor to the node's rooms and services; a full queue to
 *       a third node holds up only the onward lane.</li>
 *   <li><b>Bound.</b> At most {@code maxPending} stanza deliveries are handed over and not done; above
 *       that {@link #hasRoom()} says no and the provider holds back.</li>
 * </ul>
 *
 * <p>A lane looks for the session when it delivers, so once a recipient's session is gone all of its
 * stanzas go onward and then, if need be, to the undeliverable lane, in order (both are serial): the
 * order per recipient holds, except across the moment a session with that full JID comes or goes (a
 * stanza on its way onward may then be passed by a later one delivered to the new session).
 *
 * <p>Thread-safe. The executor is the node's (bounded); it must have at least {@code lanes + 2} threads
 * for the onward and undeliverable lanes never to hold up a lane, and each lane has at most one task on
 * it at a time.
 */
public final class InboundStanzas implements InboundDelivery {

    private static final Logger LOG = LoggerFactory.getLogger(InboundStanzas.class);

    private final NodeID localNode;
    private final RoutingTable routingTable;
    private final SerialLane[] lanes;
    private final SerialLane onward;
    private final SerialLane undeliverable;
    private final int maxPending;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile Stages stages = Stages.NONE;

    /**
     * Where a stanza's time on this node goes, in nanoseconds (for the node's meters): from being handed
     * over until its lane takes it, and the lane's work for it (the check that it can be written as it
     * is, and the hand-over to the session's connection).
     */
    public interface Stages {
        /** Records nothing. */
        Stages NONE = new Stages() {
            @Override
            public void waited(long nanos) {
            }

            @Override
            public void delivered(long nanos) {
            }
        };

        /** From {@link #deliver} until the recipient's lane started on the stanza. */
        void waited(long nanos);

        /** The lane's work for one stanza to one recipient. */
        void delivered(long nanos);
    }

    /** Sets what records the stages of each stanza for one recipient ({@link Stages#NONE} for nothing). */
    public void recordStagesWith(Stages stages) {
        this.stages = Objects.requireNonNull(stages, "stages");
    }

    /**
     * @param executor the node's threads for delivery (at least {@code lanes + 2} of them)
     * @param lanes how many recipients' stanzas are delivered at once
     * @param maxPending most deliveries handed over and not done before {@link #hasRoom()} says no
     */
    public InboundStanzas(RoutingTable routingTable, Executor executor, int lanes, int maxPending) {
        this.routingTable = Objects.requireNonNull(routingTable, "routingTable");
        this.localNode = routingTable.localNode();
        Objects.requireNonNull(executor, "executor");
        if (lanes < 1 || maxPending < 1) {
            throw new IllegalArgumentException("lanes and maxPending must be at least 1: " + lanes + ", " + maxPending);
        }
        this.lanes = new SerialLane[lanes];
        for (int i = 0; i < lanes; i++) {
            this.lanes[i] = new SerialLane("Node " + localNode + " inbound lane " + i, executor);
        }
        this.onward = new SerialLane("Node " + localNode + " inbound onward lane", executor);
        this.undeliverable = new SerialLane("Node " + localNode + " inbound undeliverable lane", executor);
        this.maxPending = maxPending;
    }

    @Override
    public boolean hasRoom() {
        return pending.get() < maxPending;
    }

    /** How many deliveries are handed over and not done (for figures and tests). */
    public int pending() {
        return pending.get();
    }

    @Override
    public void deliver(NodeID source, List<String> recipients, Addressing addressing, byte[] stanza, Report report) {
        Objects.requireNonNull(report, "report");
        if (addressing == Addressing.AS_IS && recipients.size() == 1) {
            String recipient = recipients.get(0);
            pending.incrementAndGet();
            Stages times = stages;
            long handed = System.nanoTime();
            lanes[lane(recipient)].add(() -> {
                long start = System.nanoTime();
                try {
                    toLocalSession(source, recipient, stanza, report);
                } finally {
                    pending.decrementAndGet();
                    long end = System.nanoTime();
                    times.waited(start - handed);
                    times.delivered(end - start);
                }
            });
            return;
        }
        // one stanza, many recipients: each lane parses it once for its share of the recipients
        List<List<String>> byLane = new ArrayList<>(lanes.length);
        for (int i = 0; i < lanes.length; i++) {
            byLane.add(null);
        }
        for (String recipient : recipients) {
            int lane = lane(recipient);
            if (byLane.get(lane) == null) {
                byLane.set(lane, new ArrayList<>());
            }
            byLane.get(lane).add(recipient);
        }
        for (int i = 0; i < lanes.length; i++) {
            List<String> share = byLane.get(i);
            if (share != null) {
                pending.addAndGet(share.size());
                lanes[i].add(() -> toLocalSessions(source, share, addressing, stanza, report));
            }
        }
    }

    private int lane(String recipient) {
        return Math.floorMod(recipient.hashCode(), lanes.length);
    }

    /** In a lane: the stanza with the lane's share of many recipients, each addressed as asked. */
    private void toLocalSessions(NodeID source, List<String> recipients, Addressing addressing, byte[] stanza, Report report) {
        Packet packet;
        try {
            packet = StanzaParser.parsePacket(strictUtf8(stanza));
        } catch (RuntimeException | CharacterCodingException e) {
            recipients.forEach(recipient -> report.outcome(recipient, Outcome.MALFORMED));
            pending.addAndGet(-recipients.size());
            LOG.warn("Node {} received a stanza from node {} for {} recipients that cannot be read; it is dropped: {}", localNode,
                    source, recipients.size(), e.getMessage());
            return;
        }
        for (String recipient : recipients) {
            try {
                JID jid = new JID(recipient);
                // every recipient gets its own packet: a session may keep or change what it is given
                Packet own = addressing == Addressing.AS_IS ? packet.createCopy() : addressing.address(packet, jid);
                toLocalSession(source, jid, own, report);
            } catch (RuntimeException e) {
                report.outcome(recipient, Outcome.MALFORMED);
                LOG.warn("Node {} received a stanza from node {} for '{}', which is no JID; it is dropped: {}", localNode, source,
                        abbreviate(recipient), e.getMessage());
            } finally {
                pending.decrementAndGet();
            }
        }
    }

    /** In the recipient's lane: to the local session, or onward. */
    private void toLocalSession(NodeID source, String recipient, byte[] stanza, Report report) {
        // a message or IQ for a session here goes to its connection as the sender wrote it (no parse, no re-serialization)
        if (RawStanzas.deliverableAsIs(stanza)
                && routingTable.deliverXmlToLocal(recipient, new String(stanza, StandardCharsets.UTF_8))) {
            report.outcome(recipient, Outcome.DELIVERED);
            return;
        }
        JID jid;
        Packet packet;
        try {
            jid = new JID(recipient);
            packet = StanzaParser.parsePacket(strictUtf8(stanza));
        } catch (RuntimeException | CharacterCodingException e) {
            report.outcome(recipient, Outcome.MALFORMED);
            LOG.warn("Node {} received a stanza from node {} for '{}' that cannot be read; it is dropped: {}", localNode, source,
                    abbreviate(recipient), e.getMessage());
            return;
        }
        toLocalSession(source, jid, packet, report);
    }

    private void toLocalSession(NodeID source, JID jid, Packet packet, Report report) {
        LocalClientSession session = routingTable.localSession(jid);
        if (session != null) {
            session.deliver(packet);
            report.outcome(jid.toString(), Outcome.DELIVERED);
            return;
        }
        pending.incrementAndGet();
        onward.add(() -> {
            try {
                elsewhere(source, jid, packet, report);
            } finally {
                pending.decrementAndGet();
            }
        });
    }

    /** On the onward lane: routed on (a component, an endpoint, another node), or to the undeliverable lane. */
    private void elsewhere(NodeID source, JID recipient, Packet packet, Report report) {
        try {
            if (routingTable.routeToFullJid(recipient, packet)) {
                report.outcome(recipient.toString(), Outcome.DELIVERED);
                return;
            }
        } catch (RuntimeException e) {
            LOG.warn("Node {} could not deliver a stanza from node {} to {}", localNode, source, recipient, e);
            return;
        }
        report.outcome(recipient.toString(), Outcome.UNDELIVERABLE);
        LOG.debug("Node {}: the session of {} is gone; the stanza from node {} is handled as undeliverable", localNode, recipient,
                source);
        pending.incrementAndGet();
        undeliverable.add(() -> {
            try {
                routingTable.remoteDeliveryFailed(localNode, recipient, packet);
            } catch (RuntimeException e) {
                LOG.warn("Node {} could not hand back an undeliverable stanza from node {} to {}", localNode, source, recipient, e);
            } finally {
                pending.decrementAndGet();
            }
        });
    }

    private static String strictUtf8(byte[] bytes) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    }

    private static String abbreviate(String text) {
        return text.length() > 80 ? text.substring(0, 80) + "..." : text;
    }
}
