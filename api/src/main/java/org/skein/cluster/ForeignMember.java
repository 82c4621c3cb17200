package org.skein.cluster;

import java.io.Serializable;
import java.util.Objects;

/**
 * A member of the cluster's network (the same cluster name, the same port range) that this node does
 * not treat as a Skein node of its cluster: a plain member of the cluster software, or a Skein node that
 * cannot prove it knows the cluster's shared secret. Such a member gets no stanzas, no cluster tasks and
 * no role (senior, crash clean-up); what it can still read depends on the clustering plugin (see
 * {@code docs/operations.md}). An immutable snapshot, for the admin console and the metrics.
 *
 * @param address where the member is, host:port, for display
 * @param memberId the clustering software's id of the member (for example a Hazelcast member UUID)
 * @param claimedNode the Skein node id the member claims, or empty if it claims none
 * @param reason why this node does not trust it
 */
public record ForeignMember(String address, String memberId, String claimedNode, Reason reason) implements Serializable {

    /** Why a member is not trusted as a Skein node. */
    public enum Reason {
        /** The member claims no Skein node id: it is not a Skein node at all. */
        NOT_A_SKEIN_NODE,
        /** The member claims a node id but carries no proof of the cluster secret (it has none, or this node has none). */
        NO_PROOF,
        /** The member's proof does not match this node's cluster secret. */
        WRONG_SECRET,
        /** An older trusted member already runs the node id it claims. */
        DUPLICATE_NODE_ID
    }

    public ForeignMember {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(memberId, "memberId");
        claimedNode = claimedNode == null ? "" : claimedNode;
        Objects.requireNonNull(reason, "reason");
    }
}
