package org.skein.hazelcast.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.example.untrusted.Payload;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Lock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.skein.XmppServer;
import org.skein.cache.Cache;
import org.skein.cluster.ClusterException;
import org.skein.cluster.ClusterNodeInfo;
import org.skein.cluster.ClusterTaskResults;
import org.skein.cluster.NodeID;
import org.skein.cluster.UnknownClusterNodeException;
import org.skein.plugin.AdminPageModel;

/**
 * Three nodes that stay together for the whole class: caches, tasks, locks, node information and the
 * deserialization allowlist across real Hazelcast members.
 */
class ClusterIT {

    @TempDir
    static Path dir;

    private static HazelcastNodes nodes;
    private static XmppServer one;
    private static XmppServer two;
    private static XmppServer three;

    @BeforeAll
    static void startCluster() {
        nodes = new HazelcastNodes(dir, "one", "two", "three");
        one = nodes.start("one");
        two = nodes.start("two");
        three = nodes.start("three");
        await().atMost(Duration.ofSeconds(30)).until(() -> one.clusterManager().getNodesInfo().size() == 3);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        nodes.close();
    }

    private static NodeID id(String name) {
        return NodeID.of(name);
    }

    @Test
    void everyNodeSeesTheSameMembersOldestFirstWithTheirJoinTimes() {
        for (XmppServer node : List.of(one, two, three)) {
            List<ClusterNodeInfo> infos = List.copyOf(node.clusterManager().getNodesInfo());
            assertThat(infos).extracting(ClusterNodeInfo::nodeId).containsExactly(id("one"), id("two"), id("three"));
            assertThat(infos).extracting(ClusterNodeInfo::senior).containsExactly(true, false, false);
            assertThat(infos).allSatisfy(info -> {
                assertThat(info.hostName()).startsWith("127.0.0.1:");
                assertThat(info.joinedTime()).isPositive();
            });
            assertThat(node.clusterManager().getSeniorClusterMember()).isEqualTo(id("one"));
        }
        assertThat(one.clusterManager().isSeniorClusterMember()).isTrue();
        assertThat(two.clusterManager().isSeniorClusterMember()).isFalse();
        long time = two.clusterManager().getClusterTime();
        assertThat(Math.abs(time - System.currentTimeMillis())).isLessThan(5_000);
    }

    @Test
    void aCacheIsSharedByEveryNode() {
        Cache<String, String> onOne = one.cacheFactory().createCache("shared-" + System.nanoTime());
        onOne.put("k", "from one");
        Cache<String, String> onThree = three.cacheFactory().createCache(onOne.getName());
        assertThat(onThree.get("k")).isEqualTo("from one");
        onThree.put("k", "from three");
        assertThat(onOne.get("k")).isEqualTo("from three");
        assertThat(onOne.size()).isEqualTo(1);
    }

    @Test
    void synchronousTasksReachTheRightNodesAndReturnTheirResults() {
        ClusterTaskResults<String> others = one.clusterManager().doSynchronousClusterTask(new TestTasks.WhereAmI("sync-others"), false);
        assertThat(others.isComplete()).isTrue();
        assertThat(others.results()).containsOnly(Map.entry(id("two"), "two"), Map.entry(id("three"), "three"));

        ClusterTaskResults<String> all = two.clusterManager().doSynchronousClusterTask(new TestTasks.WhereAmI("sync-all"), true);
        assertThat(all.results()).containsOnlyKeys(id("one"), id("two"), id("three"));

        assertThat(three.clusterManager().doSynchronousClusterTask(new TestTasks.WhereAmI("sync-one"), id("one"))).isEqualTo("one");
        assertThat(TestTasks.VISITS).contains("sync-others@two", "sync-others@three", "sync-one@one")
                .doesNotContain("sync-others@one", "sync-one@two", "sync-one@three");
    }

    @Test
    void asynchronousTasksReachTheOtherNodesOrTheOneAskedFor() {
        one.clusterManager().doClusterTask(new TestTasks.WhereAmI("async-others"));
        two.clusterManager().doClusterTask(new TestTasks.WhereAmI("async-three"), id("three"));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(TestTasks.VISITS)
                .contains("async-others@two", "async-others@three", "async-three@three"));
        assertThat(TestTasks.VISITS).doesNotContain("async-others@one", "async-three@one", "async-three@two");
    }

    @Test
    void aTaskForANodeThatIsNotAMemberFailsWithTheDocumentedException() {
        assertThatThrownBy(() -> one.clusterManager().doClusterTask(new TestTasks.WhereAmI("x"), id("nobody")))
                .isInstanceOf(UnknownClusterNodeException.class);
        assertThatThrownBy(() -> one.clusterManager().doSynchronousClusterTask(new TestTasks.WhereAmI("x"), id("nobody")))
                .isInstanceOf(UnknownClusterNodeException.class)
                .satisfies(e -> assertThat(((UnknownClusterNodeException) e).nodeId()).isEqualTo(id("nobody")));
    }

    @Test
    void aNodeThatDoesNotAnswerInTimeYieldsPartialResults() {
        TestTasks.release = new CountDownLatch(1);
        try {
            ClusterTaskResults<String> results = one.clusterManager().doSynchronousClusterTask(
                    new TestTasks.SlowOn("three"), true, Duration.ofSeconds(2));

            assertThat(results.results()).containsOnly(Map.entry(id("one"), "one"), Map.entry(id("two"), "two"));
            assertThat(results.timedOut()).containsExactly(id("three"));
            assertThat(results.failures().get(id("three"))).isInstanceOf(TimeoutException.class);

            assertThatThrownBy(() -> two.clusterManager().doSynchronousClusterTask(new TestTasks.SlowOn("three"), id("three"),
                    Duration.ofMillis(500)))
                    .isInstanceOf(ClusterException.class).hasCauseInstanceOf(TimeoutException.class);
        } finally {
            TestTasks.release.countDown();
        }
    }

    @Test
    void aTaskThatFailsReportsItsExceptionToTheCaller() {
        assertThatThrownBy(() -> one.clusterManager().doSynchronousClusterTask(new TestTasks.Failing("boom"), id("two")))
                .isInstanceOf(ClusterException.class)
                .hasRootCauseInstanceOf(IllegalStateException.class)
                .hasMessageContaining("boom on two");

        ClusterTaskResults<String> results = one.clusterManager().doSynchronousClusterTask(new TestTasks.Failing("bang"), false);
        assertThat(results.results()).isEmpty();
        assertThat(results.failures()).containsOnlyKeys(id("two"), id("three"));
        assertThat(results.failures().get(id("three"))).isInstanceOf(IllegalStateException.class).hasMessage("bang on three");
    }

    @Test
    void aKeyLockExcludesTheOtherNodes() throws Exception {
        String name = "locked-" + System.nanoTime();
        Cache<String, String> onOne = one.cacheFactory().createCache(name);
        Cache<String, String> onTwo = two.cacheFactory().createCache(name);
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            Lock lock = onOne.getLock("k");
            lock.lock();
            try {
                assertThat(other.submit(() -> onTwo.getLock("k").tryLock()).get(30, TimeUnit.SECONDS)).isFalse();
                assertThat(other.submit(() -> {
                    Lock otherKey = onTwo.getLock("other-key");
                    boolean locked = otherKey.tryLock(1, TimeUnit.SECONDS);
                    otherKey.unlock();
                    return locked;
                }).get(30, TimeUnit.SECONDS)).isTrue();
            } finally {
                lock.unlock();
            }
            Future<Boolean> after = other.submit(() -> {
                Lock l = onTwo.getLock("k");
                boolean locked = l.tryLock(10, TimeUnit.SECONDS);
                if (locked) {
                    l.unlock();
                }
                return locked;
            });
            assertThat(after.get(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            other.shutdownNow();
        }
    }

    @Test
    void aRefusedClassDoesNotBreakTheReceivingNode() {
        long refusedBefore = refusedObjects(two);

        assertThatThrownBy(() -> one.clusterManager().doSynchronousClusterTask(
                new TestTasks.Carrying(new Payload("hostile")), id("two"), Duration.ofSeconds(10)))
                .isInstanceOf(ClusterException.class)
                .hasStackTraceContaining("com.example.untrusted.Payload")
                .hasStackTraceContaining("allowlist");

        assertThat(refusedObjects(two)).isGreaterThan(refusedBefore);
        assertThat(one.clusterManager().doSynchronousClusterTask(new TestTasks.Carrying("a string"), id("two"), Duration.ofSeconds(10)))
                .isEqualTo("two got a string");
        String name = "after-refusal-" + System.nanoTime();
        one.cacheFactory().createCache(name).put("k", "v");
        assertThat(two.cacheFactory().createCache(name).get("k")).isEqualTo("v");
    }

    @Test
    void aRefusedClassInACacheValueFailsTheReadOnlyAndIsCounted() {
        String name = "hostile-" + System.nanoTime();
        Cache<String, Object> onOne = one.cacheFactory().createCache(name);
        onOne.put("bad", new Payload("in a cache"));
        onOne.put("good", "fine");
        Cache<String, Object> onThree = three.cacheFactory().createCache(name);
        long refusedBefore = refusedObjects(three);

        assertThatThrownBy(() -> onThree.get("bad")).hasStackTraceContaining("com.example.untrusted.Payload");
        assertThat(onThree.get("good")).isEqualTo("fine");
        assertThat(refusedObjects(three)).isGreaterThan(refusedBefore);
    }

    @Test
    void theNodePageModelDescribesAnyNode() {
        AdminPageModel page = (AdminPageModel) HazelcastNodes.plugin(one).plugin();
        Cache<String, String> cache = three.cacheFactory().createCache("page-" + System.nanoTime());
        cache.put("k", "v");
        three.cacheFactory().publishCacheStats();

        Map<String, Object> model = page.model("hazelcast-node", Map.of("node", "three"), Locale.ENGLISH);

        assertThat(model).containsEntry("nodeId", "three").containsEntry("senior", false).containsEntry("local", false)
                .containsEntry("clustered", true).containsEntry("memoryError", null);
        assertThat(model.get("hostName").toString()).startsWith("127.0.0.1:");
        @SuppressWarnings("unchecked")
        Map<String, Object> memory = (Map<String, Object>) model.get("memory");
        assertThat(memory).containsKeys("usedMiB", "totalMiB", "maxMiB", "usedPercent");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> caches = (List<Map<String, Object>>) model.get("caches");
        assertThat(caches).extracting(row -> row.get("name")).contains(cache.getName());
        assertThat(model.get("nodes")).asList().hasSize(3);

        assertThat(page.model("hazelcast-node", Map.of(), Locale.GERMAN)).containsEntry("nodeId", "one").containsEntry("local", true);
        assertThatThrownBy(() -> page.model("hazelcast-node", Map.of("node", "nobody"), Locale.ENGLISH))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nobody");
    }

    /** The count the plugin shows on the node page, read through the server's AdminPageModel interface. */
    private static long refusedObjects(XmppServer node) {
        AdminPageModel page = (AdminPageModel) HazelcastNodes.plugin(node).plugin();
        return ((Number) page.model("hazelcast-node", Map.of(), Locale.ENGLISH).get("refusedObjects")).longValue();
    }
}
