package org.skein.hazelcast.routing;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import java.io.IOException;
import java.util.concurrent.Callable;
import org.skein.cluster.ClusterException;
import org.skein.cluster.NodeID;

/**
 * What crosses the wire: the sending node's id, the sending member's epoch (its Hazelcast member
 * UUID: a node that restarts, or rejoins after a split, is a new member with a new epoch), the batch's
 * stream and sequence number, its {@linkplain Timing timing} and its bytes ({@link BatchCodec}), written as plain data (no Java
 * serialization). Runs on the destination's router
 * executor and hands the batch to the {@link BatchReceiver} in that member's user context; answers
 * with the sequence number up to which the stream is delivered.
 */
public final class StanzaBatch implements Callable<Long>, DataSerializable, HazelcastInstanceAware {

    /** The key of the node's {@link BatchReceiver} in its member's user context. */
    static final String RECEIVER_KEY = "skein.packet-receiver";
    /**
     * The key of a {@code Predicate<NodeID>} in a member's user context that tells whether a node id is claimed
     * only by foreign members (no proof of the cluster secret): batches and cluster tasks from such a sender are refused.
     */
    public static final String FOREIGN_NODES_KEY = "skein.foreign-nodes";

    /**
     * When a batch left and its sender's bounds, so that the destination can tell whether the sender may
     * have given it up ({@link LateBatchGuard}).
     *
     * @param sentAt the sender's {@link System#nanoTime()} when the batch first left
     * @param timeoutNanos the sender's batch timeout
     * @param silenceNanos the shortest silence of the destination after which the sender may remove its member
     */
    record Timing(long sentAt, long timeoutNanos, long silenceNanos) {
    }

    private String sender;
    private String epoch;
    private long stream;
    private long seq;
    private long sentAt;
    private long timeoutNanos;
    private long silenceNanos;
    private byte[] bytes;
    private transient HazelcastInstance member;

    /** For Hazelcast, which reads the fields with {@link #readData}. */
    public StanzaBatch() {
    }

    StanzaBatch(NodeID sender, String epoch, long stream, long seq, Timing timing, byte[] bytes) {
        this.sender = sender.value();
        this.epoch = epoch;
        this.stream = stream;
        this.seq = seq;
        this.sentAt = timing.sentAt();
        this.timeoutNanos = timing.timeoutNanos();
        this.silenceNanos = timing.silenceNanos();
        this.bytes = bytes;
    }

    String sender() {
        return sender;
    }

    String epoch() {
        return epoch;
    }

    long stream() {
        return stream;
    }

    long seq() {
        return seq;
    }

    Timing timing() {
        return new Timing(sentAt, timeoutNanos, silenceNanos);
    }

    byte[] bytes() {
        return bytes;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
        this.member = hazelcastInstance;
    }

    @Override
    public Long call() {
        Object receiver = member == null ? null : member.getUserContext().get(RECEIVER_KEY);
        if (!(receiver instanceof BatchReceiver batchReceiver)) {
            throw new ClusterException("a stanza batch reached a member that runs no Skein packet router");
        }
        NodeID from = NodeID.of(sender);
        if (isForeign(member, from)) {
            throw new ClusterException("a stanza batch from node " + sender + " was refused: the member that runs it is not "
                    + "trusted as a node of this cluster (cluster secret)");
        }
        return batchReceiver.receive(from, epoch, stream, seq, new Timing(sentAt, timeoutNanos, silenceNanos), bytes);
    }

    /** Whether the member's node takes the sender as a foreign member ({@link #FOREIGN_NODES_KEY}). */
    @SuppressWarnings("unchecked")
    public static boolean isForeign(HazelcastInstance member, NodeID sender) {
        Object check = member.getUserContext().get(FOREIGN_NODES_KEY);
        return check instanceof java.util.function.Predicate<?> predicate && ((java.util.function.Predicate<NodeID>) predicate).test(sender);
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeString(sender);
        out.writeString(epoch);
        out.writeLong(stream);
        out.writeLong(seq);
        out.writeLong(sentAt);
        out.writeLong(timeoutNanos);
        out.writeLong(silenceNanos);
        out.writeByteArray(bytes);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        sender = in.readString();
        epoch = in.readString();
        stream = in.readLong();
        seq = in.readLong();
        sentAt = in.readLong();
        timeoutNanos = in.readLong();
        silenceNanos = in.readLong();
        bytes = in.readByteArray();
    }
}
