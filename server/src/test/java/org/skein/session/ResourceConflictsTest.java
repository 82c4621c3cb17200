package org.skein.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.skein.cluster.NodeID;

class ResourceConflictsTest {

    private static final NodeID A = NodeID.of("a");
    private static final NodeID B = NodeID.of("b");

    @Test
    void theLaterLoginIsNewer() {
        Instant local = Instant.ofEpochMilli(1_000);
        assertThat(ResourceConflicts.remoteIsNewer(info(B, 1_001), local, A)).isTrue();
        assertThat(ResourceConflicts.remoteIsNewer(info(B, 999), local, A)).isFalse();
    }

    @Test
    void loginsOfTheSameMillisecondGoToTheGreaterNodeIdOnBothNodes() {
        Instant at = Instant.ofEpochMilli(1_000);
        boolean bWinsSeenFromA = ResourceConflicts.remoteIsNewer(info(B, 1_000), at, A);
        boolean aWinsSeenFromB = ResourceConflicts.remoteIsNewer(info(A, 1_000), at, B);
        assertThat(bWinsSeenFromA).isTrue();
        assertThat(aWinsSeenFromB).as("the two nodes must not both give way").isFalse();
    }

    private static SessionInfo info(NodeID node, long created) {
        return new SessionInfo(node, "", 0, created, "127.0.0.1:1", "s");
    }
}
