package org.skein.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.skein.XmppServer;
import org.skein.cluster.ClusterException;
import org.skein.cluster.ClusterTaskResults;
import org.skein.cluster.NodeID;
import org.skein.cluster.UnknownClusterNodeException;
import org.skein.config.ConfigException;
import org.skein.testing.TestNodes;

class CacheFactoryTest {

    @TempDir
    Path dir;

    private TestNodes nodes;
    private XmppServer node;
    private CacheFactory factory;

    @BeforeEach
    void startNode() {
        nodes = new TestNodes(dir);
        node = nodes.start("node", Map.of(
                "cache.users.maxSize", "64KiB",
                "cache.users.maxLifetime", "30m",
                "cache.default.maxSize", "1MiB",
                "cache.broken.maxSize", "huge"));
        factory = node.cacheFactory();
    }

    @AfterEach
    void stopNode() throws Exception {
        nodes.close();
    }

    @Test
    void theSameNameGivesTheSameCache() {
        Cache<String, String> a = factory.createCache("users");
        Cache<String, String> b = factory.createCache("users");
        assertThat(a).isSameAs(b).isInstanceOf(CacheWrapper.class);
        a.put("alice", "x");
        assertThat(factory.<String, String>getCache("users")).hasValueSatisfying(c -> assertThat(c.get("alice")).isEqualTo("x"));
        assertThat(factory.getAllCaches()).contains(a);
    }

    @Test
    void budgetsAndLifetimesComeFromConfigurationByName() {
        Cache<String, String> users = factory.createCache("users");
        assertThat(users.getMaxCacheSize()).isEqualTo(64 * 1024);
        assertThat(users.getMaxLifetime()).isEqualTo(Duration.ofMinutes(30).toMillis());

        Cache<String, String> other = factory.createCache("Some Other Cache");
        assertThat(other.getMaxCacheSize()).isEqualTo(1024 * 1024);
        assertThat(other.getMaxLifetime()).isEqualTo(Duration.ofHours(6).toMillis());
    }

    @Test
    void aBadBudgetNamesTheKey() {
        assertThatThrownBy(() -> factory.createCache("broken"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cache.broken.maxSize")
                .hasMessageContaining("'huge'");
    }

    @Test
    void aLocalOnlyCacheCannotAlsoBeClusterable() {
        factory.createLocalCache("private");
        assertThatThrownBy(() -> factory.createCache("private")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void destroyingACacheForgetsIt() {
        Cache<String, String> cache = factory.createCache("temp");
        cache.put("a", "1");
        factory.destroyCache("temp");
        assertThat(factory.getCache("temp")).isEmpty();
        assertThat(factory.<String, String>createCache("temp").get("a")).isNull();
    }

    @Test
    void statisticsCoverEveryCache() {
        Cache<String, String> users = factory.createCache("users");
        users.put("alice", "x");
        users.get("alice");
        users.get("bob");
        factory.publishCacheStats();

        CacheStats stats = factory.getCacheStats().get(node.nodeId()).stream()
                .filter(s -> s.name().equals("users")).findFirst().orElseThrow();
        assertThat(stats.entries()).isEqualTo(1);
        assertThat(stats.hits()).isEqualTo(1);
        assertThat(stats.misses()).isEqualTo(1);
        assertThat(stats.size()).isPositive();
        assertThat(stats.maxSize()).isEqualTo(64 * 1024);
        assertThat(stats.strategy()).isEqualTo("local");
        assertThat(stats.hitRate()).isEqualTo(0.5);
    }

    @Test
    void aLockFromTheFactoryIsTheCachesKeyLock() {
        Cache<String, String> cache = factory.createCache("locked");
        var lock = factory.getLock("k", cache);
        assertThat(lock.tryLock()).isTrue();
        lock.unlock();
    }

    @Test
    void aloneTheNodeIsTheWholeCluster() {
        assertThat(factory.isClustered()).isFalse();
        assertThat(factory.isSeniorClusterMember()).isTrue();
        assertThat(factory.getSeniorClusterMember()).isEqualTo(node.nodeId());
        assertThat(factory.getClusterNodesInfo()).singleElement()
                .satisfies(info -> assertThat(info.nodeId()).isEqualTo(node.nodeId()));
        assertThat(factory.getClusterTime()).isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset.offset(60_000L));
    }

    @Test
    void aloneTasksForOtherNodesDoNothingAndTasksIncludingThisNodeRunHere() {
        ClusterTaskResults<NodeID> none = factory.doSynchronousClusterTask(n -> n.nodeId(), false);
        assertThat(none.results()).isEmpty();

        ClusterTaskResults<NodeID> local = factory.doSynchronousClusterTask(n -> n.nodeId(), true);
        assertThat(local.results()).containsExactly(Map.entry(node.nodeId(), node.nodeId()));
        assertThat(local.isComplete()).isTrue();

        String version = factory.doSynchronousClusterTask(n -> n.version(), node.nodeId());
        assertThat(version).isEqualTo(node.version());
    }

    @Test
    void anAsynchronousTaskToThisNodeRunsWithItsContext() throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        CapturingTask.latches.put("async", ran);
        factory.doClusterTask(new CapturingTask("async"), node.nodeId());
        assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
        factory.doClusterTask(new CapturingTask("nobody")); // no other node: nothing happens
    }

    @Test
    void aTaskToAnUnknownNodeFailsWithTheDocumentedException() {
        NodeID stranger = NodeID.of("stranger");
        assertThatThrownBy(() -> factory.doClusterTask(n -> null, stranger))
                .isInstanceOf(UnknownClusterNodeException.class)
                .hasMessageContaining("stranger");
        assertThatThrownBy(() -> factory.doSynchronousClusterTask(n -> null, stranger))
                .isInstanceOf(UnknownClusterNodeException.class);
    }

    @Test
    void aTaskThatTakesTooLongIsReportedAsTimedOut() {
        CountDownLatch never = new CountDownLatch(1);
        CapturingTask.latches.put("slow", never);
        ClusterTaskResults<Object> results = factory.doSynchronousClusterTask(new BlockingTask("slow"), true, Duration.ofMillis(200));
        assertThat(results.results()).isEmpty();
        assertThat(results.timedOut()).containsExactly(node.nodeId());
        assertThat(results.failures().get(node.nodeId())).isInstanceOf(TimeoutException.class);

        assertThatThrownBy(() -> factory.doSynchronousClusterTask(new BlockingTask("slow"), node.nodeId(), Duration.ofMillis(100)))
                .isInstanceOf(ClusterException.class)
                .hasCauseInstanceOf(TimeoutException.class);
        never.countDown();
    }

    @Test
    void aFailingTaskIsReportedWithItsException() {
        ClusterTaskResults<Object> results = factory.doSynchronousClusterTask(n -> {
            throw new IllegalStateException("boom");
        }, true);
        assertThat(results.failures().get(node.nodeId())).isInstanceOf(IllegalStateException.class).hasMessage("boom");
    }

    /** Counts down a latch found by name on the node it runs on. */
    record CapturingTask(String latch) implements org.skein.cluster.ClusterTask<Void> {
        static final Map<String, CountDownLatch> latches = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public Void execute(org.skein.ServerContext node) {
            CountDownLatch l = latches.get(latch);
            if (l != null && node.nodeId() != null) {
                l.countDown();
            }
            return null;
        }
    }

    /** Waits on a latch until released or interrupted. */
    record BlockingTask(String latch) implements org.skein.cluster.ClusterTask<Object> {
        @Override
        public Object execute(org.skein.ServerContext node) throws InterruptedException {
            CapturingTask.latches.get(latch).await();
            return "late";
        }
    }
}
