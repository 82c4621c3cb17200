package org.skein.clustering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.skein.cache.Cache;
import org.skein.cluster.NodeID;
import org.skein.cluster.testing.InMemoryCluster;
import org.skein.cluster.testing.InMemoryProvider;
import org.skein.cluster.testing.TestCore;

/**
 * What the protocol does that a test can only force on the in-memory cluster: facts that arrive while
 * a join is in progress, a join that fails, a member the library stops on its own, a provider that goes
 * away in the middle of a join.
 */
class ProtocolTest {

    private static final Duration SETTLE = Duration.ofSeconds(60);

    private final InMemoryCluster cluster = new InMemoryCluster();
    private final List<TestCore> cores = new ArrayList<>();

    private TestCore core(String name, InMemoryProvider provider) {
        TestCore core = new TestCore(name, provider);
        cores.add(core);
        return core;
    }

    @AfterEach
    void close() throws Exception {
        for (TestCore core : cores) {
            core.close();
        }
    }

    @Test
    void factsThatArriveDuringAJoinAreDeliveredAfterIt() throws Exception {
        TestCore a = core("a", cluster.provider());
        TestCore b = core("b", cluster.provider());
        a.join();
        b.join();
        await().atMost(SETTLE).until(() -> a.events().contains("joined(b)"));
        InMemoryProvider held = cluster.provider();
        TestCore c = core("c", held);
        CountDownLatch reached = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        held.holdJoins(reached, release);

        CompletableFuture<Boolean> joining = c.cluster().startClustering();
        assertThat(reached.await(30, TimeUnit.SECONDS)).isTrue();
        cluster.crash(b.nodeId()); // c is a member already, its caches are not clustered yet
        release.countDown();

        assertThat(joining.get(30, TimeUnit.SECONDS)).isTrue();
        await().atMost(SETTLE).until(() -> c.events().contains("left(b)"));
        assertThat(c.events()).containsExactly("joined", "left(b)");
        await().atMost(SETTLE).until(() -> a.events().contains("joined(c)"));
        assertThat(a.events()).containsSubsequence("left(b)", "joined(c)");
    }

    @Test
    void aJoinThatFailsLeavesTheNodeAloneWithTheReason() {
        InMemoryProvider refusing = cluster.provider();
        refusing.refuseJoins("no member reachable at 127.0.0.1:5701");
        TestCore a = core("a", refusing);
        a.caches().<String, String>createCache("c").put("k", "v");

        assertThat(a.join()).isFalse();

        assertThat(a.cluster().getState()).isEqualTo(ClusterManager.State.STOPPED);
        assertThat(a.cluster().getLastError()).hasValueSatisfying(e -> assertThat(e).contains("no member reachable"));
        assertThat(a.caches().isClustered()).isFalse();
        assertThat(a.caches().<String, String>createCache("c")).containsEntry("k", "v");
        assertThat(a.events()).isEmpty();

        refusing.refuseJoins(null);
        assertThat(a.join()).isTrue();
        assertThat(a.cluster().getLastError()).isEmpty();
    }

    @Test
    void aMemberTheLibraryStopsLeavesTheNodeAloneWithAnErrorAndTheOthersSeeItLeave() {
        TestCore a = core("a", cluster.provider());
        TestCore b = core("b", cluster.provider());
        a.join();
        b.join();
        Cache<String, String> onB = b.caches().createCache("shared");
        onB.put("k", "v");

        cluster.lose(b.nodeId(), "The member shut down on its own");

        await().atMost(SETTLE).until(() -> b.cluster().getState() == ClusterManager.State.STOPPED && b.events().contains("left"));
        assertThat(b.caches().isClustered()).isFalse();
        assertThat(onB).isEmpty();
        assertThat(b.cluster().getLastError()).hasValue("The member shut down on its own");
        await().atMost(SETTLE).until(() -> a.events().contains("left(b)"));
        assertThat(a.caches().<String, String>createCache("shared")).containsEntry("k", "v");
    }

    @Test
    void closingTheProviderRegistrationLeavesAndStopsAJoinInProgress() throws Exception {
        TestCore a = core("a", cluster.provider());
        a.join();
        assertThat(a.cluster().isClusteringStarted()).isTrue();

        InMemoryProvider held = cluster.provider();
        TestCore b = core("b", held);
        assertThat(b.cluster().getProviderName()).hasValue("in-memory");
        CountDownLatch reached = new CountDownLatch(1);
        held.holdJoins(reached, new CountDownLatch(1)); // never released
        CompletableFuture<Boolean> joining = b.cluster().startClustering();
        assertThat(reached.await(30, TimeUnit.SECONDS)).isTrue();

        b.providerRegistration().close(); // interrupts the join, then unregisters

        assertThat(joining.get(30, TimeUnit.SECONDS)).isFalse();
        assertThat(b.cluster().isClusteringAvailable()).isFalse();
        assertThat(b.caches().isClustered()).isFalse();
        assertThat(cluster.members()).containsExactly(a.nodeId());
    }

    @Test
    void aFactOfAnEarlierMembershipIsIgnored() {
        InMemoryProvider provider = cluster.provider();
        TestCore a = core("a", provider);
        a.join();
        var first = provider.member();
        a.cluster().shutdown();
        a.join();

        first.report().memberLost("late news from the first membership");
        first.report().memberLeft(NodeID.of("ghost"));

        CompletableFuture<Void> barrier = a.cluster().stopClustering().thenCompose(v -> a.cluster().startClustering()).thenApply(v -> null);
        barrier.join();
        assertThat(a.events()).doesNotContain("left(ghost)");
        assertThat(a.cluster().getLastError()).isEmpty();
        assertThat(a.cluster().isClusteringStarted()).isTrue();
    }
}
