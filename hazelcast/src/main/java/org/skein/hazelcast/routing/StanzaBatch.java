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
 * What crosses the wire: the sending node's id and a batch's bytes ({@link BatchCodec}), written as
 * plain data (no Java serialization). Runs on the destination's router executor and hands the bytes
 * to the {@link BatchReceiver} in that member's user context; answers with the number of stanzas.
 */
public final class StanzaBatch implements Callable<Integer>, DataSerializable, HazelcastInstanceAware {

    /** The key of the node's {@link BatchReceiver} in its member's user context. */
    static final String RECEIVER_KEY = "skein.packet-receiver";

    private String sender;
    private byte[] bytes;
    private transient HazelcastInstance member;

    /** For Hazelcast, which reads the fields with {@link #readData}. */
    public StanzaBatch() {
    }

    StanzaBatch(NodeID sender, byte[] bytes) {
        this.sender = sender.value();
        this.bytes = bytes;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
        this.member = hazelcastInstance;
    }

    @Override
    public Integer call() {
        Object receiver = member == null ? null : member.getUserContext().get(RECEIVER_KEY);
        if (!(receiver instanceof BatchReceiver batchReceiver)) {
            throw new ClusterException("a stanza batch reached a member that runs no Skein packet router");
        }
        return batchReceiver.receive(NodeID.of(sender), bytes);
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeString(sender);
        out.writeByteArray(bytes);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        sender = in.readString();
        bytes = in.readByteArray();
    }
}
