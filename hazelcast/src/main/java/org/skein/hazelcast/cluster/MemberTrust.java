package org.skein.hazelcast.cluster;

import com.hazelcast.cluster.Member;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.skein.cluster.ForeignMember;
import org.skein.cluster.NodeID;
import org.skein.hazelcast.config.ClusterSecret;

/**
 * Tells whether a member is a Skein node of this cluster: it claims a node id and, when this node has a
 * cluster secret, proves it knows the same secret. The proof is a member attribute, set before the member
 * starts: the HMAC-SHA256, under the secret, of the cluster name, the node id, the member's start time and a
 * random nonce of that start (all attributes too). The member's Hazelcast UUID cannot be used: it is only
 * known once the member runs, when attributes can no longer be set, and it changes at every split-brain merge.
 * A member that copies another's attributes is told apart by the rule that a node id is trusted once, for its
 * oldest member ({@link Members}); against members that run code of their own, network isolation is the
 * defence (docs/operations.md). Immutable and thread-safe.
 */
final class MemberTrust {

    private static final String PROOF_VERSION = "skein-member-proof/1";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Optional<ClusterSecret> secret;
    private final String clusterName;

    MemberTrust(Optional<ClusterSecret> secret, String clusterName) {
        this.secret = secret;
        this.clusterName = clusterName;
    }

    /** Whether this node checks proofs (it has a secret). */
    boolean checksProofs() {
        return secret.isPresent();
    }

    /** The attributes that prove this node's member (none without a secret). */
    Map<String, String> proofAttributes(NodeID node, long joined) {
        if (secret.isEmpty()) {
            return Map.of();
        }
        byte[] nonceBytes = new byte[16];
        RANDOM.nextBytes(nonceBytes);
        String nonce = Base64.getUrlEncoder().withoutPadding().encodeToString(nonceBytes);
        return Map.of(MemberAttributes.NONCE, nonce, MemberAttributes.PROOF, proof(node.value(), Long.toString(joined), nonce));
    }

    /**
     * Why the member is not a Skein node of this cluster, or empty if it is one (as far as its own
     * attributes tell: the one-member-per-node-id rule is {@link Members}' job).
     */
    Optional<ForeignMember.Reason> judge(Member member) {
        String nodeId = member.getAttribute(MemberAttributes.NODE_ID);
        if (nodeId == null || nodeId.isBlank()) {
            return Optional.of(ForeignMember.Reason.NOT_A_SKEIN_NODE);
        }
        if (secret.isEmpty() || member.localMember()) {
            return Optional.empty();
        }
        String nonce = member.getAttribute(MemberAttributes.NONCE);
        String given = member.getAttribute(MemberAttributes.PROOF);
        String joined = member.getAttribute(MemberAttributes.JOINED);
        if (nonce == null || given == null || joined == null) {
            return Optional.of(ForeignMember.Reason.NO_PROOF);
        }
        byte[] expected = proof(nodeId, joined, nonce).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, given.getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                ? Optional.empty() : Optional.of(ForeignMember.Reason.WRONG_SECRET);
    }

    private String proof(String nodeId, String joined, String nonce) {
        String text = PROOF_VERSION + "\n" + clusterName + "\n" + nodeId + "\n" + joined + "\n" + nonce;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(secret.orElseThrow().mac(text));
    }
}
