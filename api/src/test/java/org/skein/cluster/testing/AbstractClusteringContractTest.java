package org.skein.cluster.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.skein.cache.Cache;
import org.skein.cluster.ClusterEventListener;
import org.skein.cluster.ClusterException;
import org.skein.cluster.ClusterTask;
import org.skein.cluster.ClusterTaskResults;
import org.skein.cluster.NodeID;
import org.skein.cluster.TaskContext;
import org.skein.cluster.spi.ClusteringProvider;
import org.skein.clustering.ClusterManager;

/**
 * The protocol contract of the clustering SPI: what every clustering provider, run by the cluster
 * manager's one protocol, must give the node. A subclass says how to make a provider for a node and
 * how to crash a member, cut the cluster in two and let it heal; the in-memory cluster and real
 * Hazelcast members both run it.
 *
 * <p>Every node here is only its clustering core ({@link TestCore}): caches, cluster manager, services
 * for tasks. Waits are for conditions (Awaitility), never for time.
 */
public abstract class AbstractClusteringContractTest {

    /** How long a test waits for the cluster to settle; generous, since the machine may be loaded. */
    protected static final Duration SETTLE = Duration.ofSeconds(120);

    private final List<TestCore> cores = new ArrayList<>();

    /** A provider for the node with this name (a new member of the test's cluster when it joins). */
    protected abstract ClusteringProvider provider(String node);

    /** Stops a member without a word, as a killed process. */
    protected abstract void crash(TestCore core) throws Exception;

    /** Cuts the cluster in two: {@code side} against the others. */
    protected abstract void split(Set<TestCore> side, Set<TestCore> otherSide) throws Exception;

    /** Ends a split (or lets the provider find the other side by itself). */
    protected abstract void heal() throws Exception;

    /** A started core of its own, closed after the test. */
    protected TestCore core(String name) {
        TestCore core = new TestCore(name, provider(name));
        cores.add(core);
        return core;
    }

    @AfterEach
    void closeCores() throws Exception {
        for (TestCore core : cores) {
            core.close();
        }
        cores.clear();
    }

    private static void awaitMembers(int count, TestCore... nodes) {
        await().atMost(SETTLE).untilAsserted(() -> {
            for (TestCore node : nodes) {
                assertThat(node.cluster().getNodesInfo()).as("members seen by %s", node).hasSize(count);
                assertThat(node.cluster().isClusteringStarted()).as("%s started", node).isTrue();
            }
        });
    }

    @Test
    void aNodeThatJoinsBringsItsContentAndTheOthersHearOfItOnlyOnceItIsThere() {
        TestCore a = core("a");
        TestCore b = core("b");
        Cache<String, String> sharedOnA = a.caches().createCache("shared");
        Cache<String, String> privateOnA = a.caches().createLocalCache("private");
        sharedOnA.put("from-a", "1");
        privateOnA.put("mine", "a");
        Cache<String, String> sharedOnB = b.caches().createCache("shared");
        sharedOnB.put("from-b", "2");
        Map<String, String> seenByAWhenBJoined = Collections.synchronizedMap(new LinkedHashMap<>());
        a.cluster().addListener(new ClusterEventListener() {
            @Override
            public void joinedCluster(NodeID node) {
                seenByAWhenBJoined.putAll(sharedOnA);
            }
        });

        assertThat(a.join()).isTrue();
        assertThat(b.join()).isTrue();
        awaitMembers(2, a, b);

        assertThat(a.caches().isClustered()).isTrue();
        assertThat(sharedOnA).containsOnly(Map.entry("from-a", "1"), Map.entry("from-b", "2"));
        assertThat(sharedOnB).containsOnly(Map.entry("from-a", "1"), Map.entry("from-b", "2"));
        assertThat(b.caches().<String, String>createCache("shared")).isSameAs(sharedOnB);
        assertThat(privateOnA).containsOnly(Map.entry("mine", "a"));
        assertThat(b.caches().<String, String>createLocalCache("private")).isEmpty();
        await().atMost(SETTLE).until(() -> a.events().contains("joined(b)"));
        assertThat(seenByAWhenBJoined).as("what a saw when it heard b joined").containsKey("from-b");
        assertThat(a.events()).containsExactly("joined", "senior", "joined(b)");
        assertThat(b.events()).containsExactly("joined");
        assertThat(a.cluster().isSeniorClusterMember()).isTrue();
        assertThat(b.cluster().getSeniorClusterMember()).isEqualTo(a.nodeId());
    }

    @Test
    void aCleanLeaveMakesTheCachesLocalAndEmptyAndTellsTheOthersOnce() {
        TestCore a = core("a");
        TestCore b = core("b");
        a.join();
        b.join();
        awaitMembers(2, a, b);
        await().atMost(SETTLE).until(() -> a.events().contains("joined(b)")); // b's announcement, not dropped by its leave
        Cache<String, String> sharedOnB = b.caches().createCache("shared");
        sharedOnB.put("k", "v");

        b.cluster().shutdown();

        assertThat(b.cluster().getState()).isEqualTo(ClusterManager.State.STOPPED);
        assertThat(b.caches().isClustered()).isFalse();
        assertThat(sharedOnB).isEmpty();
        assertThat(b.events()).containsExactly("joined", "left");
        await().atMost(SETTLE).until(() -> a.events().contains("left(b)"));
        assertThat(a.caches().<String, String>createCache("shared")).containsEntry("k", "v");
        assertThat(a.cluster().getNodesInfo()).hasSize(1);
        assertThat(a.events()).containsExactly("joined", "senior", "joined(b)", "left(b)");
    }

    @Test
    void aCrashedMemberIsReportedOnceToEachSurvivorAndTheNextOldestBecomesSenior() throws Exception {
        TestCore a = core("a");
        TestCore b = core("b");
        TestCore c = core("c");
        a.join();
        b.join();
        c.join();
        awaitMembers(3, a, b, c);
        await().atMost(SETTLE).until(() -> a.events().contains("joined(c)") && b.events().contains("joined(c)"));

        crash(a);

        await().atMost(SETTLE).until(() -> b.events().contains("left(a)") && c.events().contains("left(a)"));
        await().atMost(SETTLE).until(() -> b.events().contains("senior"));
        assertThat(b.cluster().isSeniorClusterMember()).isTrue();
        assertThat(c.cluster().getSeniorClusterMember()).isEqualTo(b.nodeId());
        assertThat(b.events()).containsExactly("joined", "joined(c)", "left(a)", "senior");
        assertThat(c.events()).containsExactly("joined", "left(a)");
        assertThat(b.cluster().getNodesInfo()).hasSize(2);
    }

    @Test
    void theSmallerSideOfASplitLeavesAndJoinsAgainAndEveryoneEndsWithEveryonesState() throws Exception {
        TestCore a = core("a");
        TestCore b = core("b");
        TestCore c = core("c");
        for (TestCore node : List.of(a, b, c)) {
            reassertOwnState(node);
            node.join();
        }
        awaitMembers(3, a, b, c);
        await().atMost(SETTLE).until(() -> a.events().contains("joined(c)") && b.events().contains("joined(c)"));

        split(Set.of(a, b), Set.of(c));
        await().atMost(SETTLE).until(() -> c.events().contains("left(a)") && c.events().contains("left(b)")
                && a.events().contains("left(c)") && b.events().contains("left(c)"));
        a.caches().<String, String>createCache("states").put("written-during-the-split", "a");
        heal();

        awaitMembers(3, a, b, c);
        await().atMost(SETTLE).untilAsserted(() -> {
            for (TestCore node : List.of(a, b, c)) {
                assertThat(node.caches().<String, String>createCache("states")).as("states seen by %s", node)
                        .containsKeys("state-a", "state-b", "state-c", "written-during-the-split");
            }
            assertThat(a.events()).contains("joined(c)");
        });
        List<String> ofC = c.events();
        assertThat(ofC).containsSubsequence("joined", "left(a)", "left", "joined");
        assertThat(ofC.subList(ofC.lastIndexOf("left"), ofC.size())).doesNotContain("senior");
        assertThat(a.cluster().getSeniorClusterMember()).isEqualTo(a.nodeId());
        assertThat(c.cluster().getSeniorClusterMember()).isEqualTo(a.nodeId());
        assertThat(a.events().stream().filter("joined(c)"::equals)).hasSize(2);
    }

    /** What every node does to keep its local truth in the cluster: put its state back after a join or leave. */
    private static void reassertOwnState(TestCore node) {
        Cache<String, String> states = node.caches().createCache("states");
        Runnable restore = () -> states.put("state-" + node.nodeId(), node.nodeId().value());
        restore.run();
        node.cluster().addListener(new ClusterEventListener() {
            @Override
            public void joinedCluster() {
                restore.run();
            }

            @Override
            public void leftCluster() {
                restore.run();
            }
        }, 10);
    }

    @Test
    void aListenerMayStopAndStartClusteringWithoutDeadlock() {
        TestCore a = core("a");
        TestCore b = core("b");
        a.cluster().addListener(new ClusterEventListener() {
            @Override
            public void leftCluster(NodeID node) {
                a.cluster().shutdown(); // queued behind this event, not waited for
            }

            @Override
            public void leftCluster() {
                a.cluster().startup(); // the same: a new join after the leave
            }
        });
        a.join();
        b.join();
        awaitMembers(2, a, b);

        b.cluster().shutdown();

        await().atMost(SETTLE).until(() -> a.events().containsAll(List.of("left(b)", "left")) && a.cluster().isClusteringStarted());
        assertThat(a.events()).containsSubsequence("joined", "left(b)", "left", "joined");
    }

    @Test
    void tasksReachTheServicesRegisteredOnTheNodeTheyRunOn() {
        TestCore a = core("a");
        TestCore b = core("b");
        a.join();
        b.join();
        awaitMembers(2, a, b);
        b.cluster().registerTaskService(Greeter.class, () -> "hello from b");

        assertThat(a.cluster().doSynchronousClusterTask(new Greet(), b.nodeId())).isEqualTo("hello from b");
        ClusterTaskResults<String> everywhere = a.cluster().doSynchronousClusterTask(new Greet(), true);
        assertThat(everywhere.results()).containsOnly(Map.entry(b.nodeId(), "hello from b"));
        assertThat(everywhere.failures().get(a.nodeId())).isInstanceOf(ClusterException.class)
                .hasMessageContaining(Greeter.class.getName());
        assertThat(b.cluster().doSynchronousClusterTask(TaskContext::nodeId, a.nodeId())).isEqualTo(a.nodeId());
    }

    /** A service the tests register for tasks. */
    public interface Greeter {
        String greet();
    }

    /** Answers with the node's {@link Greeter}. */
    public static final class Greet implements ClusterTask<String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String execute(TaskContext context) {
            return context.service(Greeter.class).greet();
        }
    }
}
