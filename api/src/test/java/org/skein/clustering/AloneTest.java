package org.skein.clustering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.skein.cache.CacheFactory;
import org.skein.cache.CacheSettings;
import org.skein.cluster.ClusterException;
import org.skein.cluster.ClusterTask;
import org.skein.cluster.ClusterTaskResults;
import org.skein.cluster.NodeID;
import org.skein.cluster.Registration;
import org.skein.cluster.TaskContext;
import org.skein.cluster.UnknownClusterNodeException;
import org.skein.cluster.testing.TestClusterSettings;

/** A node alone is a cluster of one: its tasks run here, it is its own senior member. No node object needed. */
class AloneTest {

    private static final NodeID NODE = NodeID.of("alone");
    private static final Instant NOW = Instant.parse("2026-05-01T10:00:00Z");

    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private final CacheFactory caches = new CacheFactory(NODE, name -> CacheSettings.UNLIMITED, Ticker.systemTicker());
    private final ClusterManager manager = new ClusterManager(NODE, new TestClusterSettings(false), caches, executor,
            Clock.fixed(NOW, ZoneOffset.UTC), NodeAttachment.NONE);

    @AfterEach
    void stop() throws InterruptedException {
        manager.close();
        executor.shutdownNow();
        executor.awaitTermination(10, TimeUnit.SECONDS);
    }

    @Test
    void theNodeIsTheWholeCluster() {
        assertThat(manager.isSeniorClusterMember()).isTrue();
        assertThat(manager.getSeniorClusterMember()).isEqualTo(NODE);
        assertThat(manager.getNodesInfo()).singleElement().satisfies(info -> {
            assertThat(info.nodeId()).isEqualTo(NODE);
            assertThat(info.senior()).isTrue();
        });
        assertThat(manager.getNodeInfo(NODE)).isPresent();
        assertThat(manager.getNodeInfo(NodeID.of("other"))).isEmpty();
        assertThat(manager.getClusterTime()).isEqualTo(NOW.toEpochMilli());
    }

    @Test
    void onlyTheClusterManagerMovesTheCaches() {
        assertThatThrownBy(caches::takeSwitch).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("belongs to its cluster manager");
    }

    @Test
    void withoutAProviderClusteringDoesNotStartAndSaysWhy() {
        TestClusterSettings enabled = new TestClusterSettings(true);
        ClusterManager alone = new ClusterManager(NodeID.of("other"), enabled,
                new CacheFactory(NodeID.of("other"), name -> CacheSettings.UNLIMITED, Ticker.systemTicker()), executor,
                Clock.systemUTC(), NodeAttachment.NONE);
        try {
            assertThat(alone.startup()).isFalse();
            assertThat(alone.getLastError()).hasValueSatisfying(e -> assertThat(e).contains("clustering.enabled=true")
                    .contains("no clustering plugin is loaded"));
            assertThat(alone.getState()).isEqualTo(ClusterManager.State.STOPPED);
        } finally {
            alone.close();
        }
    }

    @Test
    void tasksForOtherNodesDoNothingAndTasksIncludingThisNodeRunHere() {
        ClusterTaskResults<NodeID> none = manager.doSynchronousClusterTask(TaskContext::nodeId, false);
        assertThat(none.results()).isEmpty();

        ClusterTaskResults<NodeID> local = manager.doSynchronousClusterTask(TaskContext::nodeId, true);
        assertThat(local.results()).containsExactly(Map.entry(NODE, NODE));
        assertThat(local.isComplete()).isTrue();

        assertThat(manager.doSynchronousClusterTask(TaskContext::nodeId, NODE)).isEqualTo(NODE);
    }

    @Test
    void aTaskReachesARegisteredServiceByTypeUntilItIsWithdrawn() {
        Registration registration = manager.registerTaskService(Greeter.class, () -> "hello");
        assertThat(manager.doSynchronousClusterTask(new Greet(), NODE)).isEqualTo("hello");

        assertThatThrownBy(() -> manager.registerTaskService(Greeter.class, () -> "another"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(Greeter.class.getName());

        registration.close();
        registration.close(); // idempotent
        assertThatThrownBy(() -> manager.doSynchronousClusterTask(new Greet(), NODE))
                .isInstanceOf(ClusterException.class)
                .hasMessageContaining(Greeter.class.getName())
                .hasMessageContaining("alone");
        manager.registerTaskService(Greeter.class, () -> "again");
        assertThat(manager.doSynchronousClusterTask(new Greet(), NODE)).isEqualTo("again");
    }

    @Test
    void anAsynchronousTaskToThisNodeRunsWithItsContext() throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        Latches.ALL.put("async", ran);
        manager.doClusterTask(new CountDown("async"), NODE);
        assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
        manager.doClusterTask(new CountDown("nobody")); // no other node: nothing happens
    }

    @Test
    void aTaskToAnUnknownNodeFailsWithTheDocumentedException() {
        NodeID stranger = NodeID.of("stranger");
        assertThatThrownBy(() -> manager.doClusterTask(c -> null, stranger))
                .isInstanceOf(UnknownClusterNodeException.class)
                .hasMessageContaining("stranger");
        assertThatThrownBy(() -> manager.doSynchronousClusterTask(c -> null, stranger))
                .isInstanceOf(UnknownClusterNodeException.class);
    }

    @Test
    void aTaskThatTakesTooLongIsReportedAsTimedOut() {
        CountDownLatch never = new CountDownLatch(1);
        Latches.ALL.put("slow", never);
        ClusterTaskResults<Object> results = manager.doSynchronousClusterTask(new Await("slow"), true, Duration.ofMillis(200));
        assertThat(results.results()).isEmpty();
        assertThat(results.timedOut()).containsExactly(NODE);
        assertThat(results.failures().get(NODE)).isInstanceOf(TimeoutException.class);

        assertThatThrownBy(() -> manager.doSynchronousClusterTask(new Await("slow"), NODE, Duration.ofMillis(100)))
                .isInstanceOf(ClusterException.class)
                .hasCauseInstanceOf(TimeoutException.class);
        never.countDown();
    }

    @Test
    void aFailingTaskIsReportedWithItsException() {
        ClusterTaskResults<Object> results = manager.doSynchronousClusterTask(c -> {
            throw new IllegalStateException("boom");
        }, true);
        assertThat(results.failures().get(NODE)).isInstanceOf(IllegalStateException.class).hasMessage("boom");
    }

    /** A service a test registers for tasks. */
    interface Greeter {
        String greet();
    }

    /** Answers with the node's {@link Greeter}. */
    static final class Greet implements ClusterTask<String> {
        @Override
        public String execute(TaskContext context) {
            return context.service(Greeter.class).greet();
        }
    }

    static final class Latches {
        static final Map<String, CountDownLatch> ALL = new ConcurrentHashMap<>();
    }

    /** Counts down a latch found by name. */
    record CountDown(String latch) implements ClusterTask<Void> {
        @Override
        public Void execute(TaskContext context) {
            CountDownLatch l = Latches.ALL.get(latch);
            if (l != null) {
                l.countDown();
            }
            return null;
        }
    }

    /** Waits on a latch until released or interrupted. */
    record Await(String latch) implements ClusterTask<Object> {
        @Override
        public Object execute(TaskContext context) throws InterruptedException {
            Latches.ALL.get(latch).await();
            return "late";
        }
    }
}
