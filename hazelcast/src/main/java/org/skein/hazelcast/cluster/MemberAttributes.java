package org.skein.hazelcast.cluster;

import com.hazelcast.cluster.Member;
import org.skein.cluster.NodeID;

/** The attributes each member carries, set before it joins: the Skein node it runs, when it started and the proof of the cluster secret. */
final class MemberAttributes {

    /** The member's Skein node id. */
    static final String NODE_ID = "skein.node-id";
    /** When the member's node started its member, epoch milliseconds on the node's clock. */
    static final String JOINED = "skein.joined";
    /** A random value of this start of the member, part of the proof. */
    static final String NONCE = "skein.nonce";
    /** The proof that the member's node knows the cluster secret ({@link MemberTrust}). */
    static final String PROOF = "skein.proof";

    private MemberAttributes() {
    }

    /** The node a member runs, {@code null} for a member that is not a Skein node. */
    static NodeID nodeId(Member member) {
        String id = member.getAttribute(NODE_ID);
        return id == null ? null : NodeID.of(id);
    }

    static long joinedTime(Member member) {
        String joined = member.getAttribute(JOINED);
        try {
            return joined == null ? 0 : Long.parseLong(joined);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
