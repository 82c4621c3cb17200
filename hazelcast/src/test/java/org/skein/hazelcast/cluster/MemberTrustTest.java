package org.skein.hazelcast.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.cluster.Address;
import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.impl.MemberImpl;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.skein.cluster.ForeignMember;
import org.skein.cluster.NodeID;
import org.skein.hazelcast.config.ClusterSecret;

class MemberTrustTest {

    private static final String CLUSTER = "skein-test";
    private final MemberTrust trust = new MemberTrust(Optional.of(ClusterSecret.of("sixteen chars or more")), CLUSTER);

    private static Member member(Map<String, String> attributes) throws Exception {
        return new MemberImpl.Builder(new Address("127.0.0.1", 5701)).uuid(UUID.randomUUID()).attributes(attributes)
                .localMember(false).build();
    }

    private static Map<String, String> attributesOf(MemberTrust trust, String node, long joined) {
        Map<String, String> attributes = new HashMap<>(trust.proofAttributes(NodeID.of(node), joined));
        attributes.put(MemberAttributes.NODE_ID, node);
        attributes.put(MemberAttributes.JOINED, Long.toString(joined));
        return attributes;
    }

    @Test
    void aMemberWithTheSameSecretIsTrusted() throws Exception {
        assertThat(trust.judge(member(attributesOf(trust, "node-1", 1000)))).isEmpty();
    }

    @Test
    void theProofIsNeverTheSecretAndChangesWithEachStart() {
        Map<String, String> first = trust.proofAttributes(NodeID.of("node-1"), 1000);
        Map<String, String> second = trust.proofAttributes(NodeID.of("node-1"), 1000);
        assertThat(first.values()).noneMatch(value -> value.contains("sixteen chars"));
        assertThat(first.get(MemberAttributes.PROOF)).isNotEqualTo(second.get(MemberAttributes.PROOF));
    }

    @Test
    void aMemberWithAnotherSecretOrAnotherClusterNameIsNot() throws Exception {
        MemberTrust other = new MemberTrust(Optional.of(ClusterSecret.of("another secret, also long")), CLUSTER);
        assertThat(trust.judge(member(attributesOf(other, "node-1", 1000)))).contains(ForeignMember.Reason.WRONG_SECRET);
        MemberTrust otherCluster = new MemberTrust(Optional.of(ClusterSecret.of("sixteen chars or more")), "other-cluster");
        assertThat(trust.judge(member(attributesOf(otherCluster, "node-1", 1000)))).contains(ForeignMember.Reason.WRONG_SECRET);
    }

    @Test
    void aProofCopiedUnderAnotherNodeIdOrStartTimeIsWrong() throws Exception {
        Map<String, String> copied = attributesOf(trust, "node-1", 1000);
        copied.put(MemberAttributes.NODE_ID, "node-2");
        assertThat(trust.judge(member(copied))).contains(ForeignMember.Reason.WRONG_SECRET);
        Map<String, String> later = attributesOf(trust, "node-1", 1000);
        later.put(MemberAttributes.JOINED, "2000");
        assertThat(trust.judge(member(later))).contains(ForeignMember.Reason.WRONG_SECRET);
    }

    @Test
    void membersWithoutANodeIdOrWithoutAProofAreNamedSo() throws Exception {
        assertThat(trust.judge(member(Map.of()))).contains(ForeignMember.Reason.NOT_A_SKEIN_NODE);
        assertThat(trust.judge(member(Map.of(MemberAttributes.NODE_ID, "node-3", MemberAttributes.JOINED, "5"))))
                .contains(ForeignMember.Reason.NO_PROOF);
    }

    @Test
    void withoutASecretEveryMemberWithANodeIdIsTrustedAndNoProofIsShown() throws Exception {
        MemberTrust none = new MemberTrust(Optional.empty(), CLUSTER);
        assertThat(none.proofAttributes(NodeID.of("node-1"), 1)).isEmpty();
        assertThat(none.judge(member(Map.of(MemberAttributes.NODE_ID, "node-3")))).isEmpty();
        assertThat(none.judge(member(Map.of()))).contains(ForeignMember.Reason.NOT_A_SKEIN_NODE);
    }
}
