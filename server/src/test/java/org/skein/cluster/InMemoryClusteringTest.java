package org.skein.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.skein.XmppServer;
import org.skein.cache.Cache;
import org.skein.cluster.testing.InMemoryCluster;
import org.skein.testing.TestNodes;

/**
 * The server's side of clustering, end to end, with three nodes in one JVM on the in-memory cluster:
 * the cache switch on join and leave, tasks, seniority and events.
 */
class InMemoryClusteringTest {

    @TempDir
    Path dir;

    private TestNodes nodes;
    private final InMemoryCluster cluster = new InMemoryCluster();
    private final List<XmppServer> servers = new ArrayList<>();
    private final Map<String, List<String>> events = new ConcurrentHashMap<>();

    @BeforeEach
    void createNodes() {
        nodes = new TestNodes(dir);
        for (String name : List.of("one", "two", "three")) {
            XmppServer server = nodes.start(name, Map.of("node.id", name, "clustering.enabled", "true"));
            server.clusterManager().registerProvider(cluster.provider());
            List<String> log = Collections.synchronizedList(new ArrayList<>());
            events.put(name, log);
            server.clusterManager().addListener(new ClusterEventListener() {
                @Override
                public void joinedCluster() {
                    log.add("joined");
                }

                @Override
                public void joinedCluster(NodeID nodeId) {
                    log.add("joined(" + nodeId + ")");
                }

                @Override
                public void leftCluster() {
                    log.add("left");
                }

                @Override
                public void leftCluster(NodeID nodeId) {
                    log.add("left(" + nodeId + ")");
                }

                @Override
                public void markedAsSeniorClusterMember() {
                    log.add("senior");
                }
            });
            servers.add(server);
        }
    }

    @AfterEach
    void stopNodes() throws Exception {
        nodes.close();
    }

    /** The storage a cache of a node is in now, as its statistics say. */
    private static String storageOf(XmppServer node, String cache) {
        return node.cacheFactory().getLocalCacheStats().stream().filter(s -> s.name().equals(cache)).findFirst().orElseThrow().strategy();
    }

    private XmppServer node(int i) {
        return servers.get(i);
    }

    /**
     * Starts clustering on every node, in order, each once the earlier ones heard of the one before: a node
     * that joined announces itself to the others with a cluster task, so they hear of it a moment later, and
     * the announcements of two nodes that join at nearly the same time may arrive in either order.
     */
    private void startAll() {
        for (int i = 0; i < servers.size(); i++) {
            XmppServer server = servers.get(i);
            assertThat(server.clusterManager().startup()).isTrue();
            String joined = "joined(" + server.nodeId() + ")";
            List<XmppServer> earlier = servers.subList(0, i);
            await().atMost(Duration.ofSeconds(30)).until(() -> earlier.stream()
                    .allMatch(node -> events.get(node.nodeId().value()).contains(joined)));
        }
    }

    @Test
    void joiningKeepsCacheContentAndSharesItLocalOnlyCachesStayAndLeavingMakesCachesLocalAgain() throws Exception {
        Cache<String, String> sharedOnOne = node(0).cacheFactory().createCache("shared");
        Cache<String, String> privateOnOne = node(0).cacheFactory().createLocalCache("private");
        sharedOnOne.put("written-before-join", "by one");
        privateOnOne.put("mine", "only one");
        Cache<String, String> sharedOnTwo = node(1).cacheFactory().createCache("shared");
        sharedOnTwo.put("also-before-join", "by two");

        startAll();

        Cache<String, String> sharedOnThree = node(2).cacheFactory().createCache("shared");
        assertThat(sharedOnThree).containsEntry("written-before-join", "by one").containsEntry("also-before-join", "by two");
        assertThat(sharedOnOne).isSameAs(node(0).cacheFactory().createCache("shared"));
        assertThat(sharedOnOne.get("also-before-join")).isEqualTo("by two");
        sharedOnThree.put("written-in-cluster", "by three");
        assertThat(sharedOnOne.get("written-in-cluster")).isEqualTo("by three");

        assertThat(privateOnOne).containsOnlyKeys("mine");
        assertThat(storageOf(node(0), "private")).isEqualTo("local");
        assertThat(storageOf(node(0), "shared")).isEqualTo("in-memory");
        assertThat(cluster.content("private")).isEmpty();

        node(0).clusterManager().shutdown();

        assertThat(node(0).cacheFactory().isClustered()).isFalse();
        assertThat(sharedOnOne).isEmpty();
        sharedOnOne.put("alone", "again");
        assertThat(sharedOnThree.get("alone")).isNull();
        assertThat(sharedOnThree.get("written-in-cluster")).isEqualTo("by three");
        assertThat(privateOnOne).containsOnlyKeys("mine");
    }

    @Test
    void otherNodesHearOfJoinsAndLeavesWithTheRightNodeIds() {
        startAll();
        node(1).clusterManager().shutdown();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(events.get("one")).containsExactly("joined", "senior", "joined(two)", "joined(three)", "left(two)");
            assertThat(events.get("two")).containsExactly("joined", "joined(three)", "left");
            assertThat(events.get("three")).containsExactly("joined", "left(two)");
        });
    }

    @Test
    void theSeniorMoveswhenTheOldestNodeLeaves() {
        startAll();
        assertThat(node(1).clusterManager().getSeniorClusterMember()).isEqualTo(node(0).nodeId());
        assertThat(node(1).clusterManager().isSeniorClusterMember()).isFalse();

        node(0).clusterManager().shutdown();

        assertThat(node(1).clusterManager().isSeniorClusterMember()).isTrue();
        assertThat(node(2).clusterManager().getSeniorClusterMember()).isEqualTo(node(1).nodeId());
        await().atMost(Duration.ofSeconds(10)).until(() -> events.get("two").contains("senior"));
    }

    @Test
    void tasksRunOnEveryNodeWithThatNodesContext() {
        startAll();
        ClusterTaskResults<String> others = node(0).clusterManager().doSynchronousClusterTask(NodeName.INSTANCE, false);
        assertThat(others.results()).containsOnly(
                Map.entry(node(1).nodeId(), "two"), Map.entry(node(2).nodeId(), "three"));

        ClusterTaskResults<String> all = node(0).clusterManager().doSynchronousClusterTask(NodeName.INSTANCE, true);
        assertThat(all.results()).hasSize(3).containsEntry(node(0).nodeId(), "one");

        String name = node(0).clusterManager().doSynchronousClusterTask(NodeName.INSTANCE, node(2).nodeId());
        assertThat(name).isEqualTo("three");
        assertThatThrownBy(() -> node(0).clusterManager().doClusterTask(NodeName.INSTANCE, NodeID.of("four")))
                .isInstanceOf(UnknownClusterNodeException.class);
    }

    @Test
    void aCrashedNodeIsReportedAsLeftToTheOthers() {
        startAll();
        cluster.crash(node(2).nodeId());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(events.get("one")).endsWith("left(three)");
            assertThat(events.get("two")).endsWith("left(three)");
        });
        assertThat(node(0).clusterManager().getNodesInfo()).extracting(ClusterNodeInfo::nodeId)
                .containsExactly(node(0).nodeId(), node(1).nodeId());
    }

    @Test
    void aSlowNodeYieldsPartialResults() {
        startAll();
        CountDownLatch release = new CountDownLatch(1);
        SlowOnTwo.latch = release;
        try {
            ClusterTaskResults<String> results = node(0).clusterManager()
                    .doSynchronousClusterTask(new SlowOnTwo(), true, Duration.ofMillis(300));
            assertThat(results.results()).containsOnlyKeys(node(0).nodeId(), node(2).nodeId());
            assertThat(results.timedOut()).containsExactly(node(1).nodeId());
        } finally {
            release.countDown();
        }
    }

    enum NodeName implements ClusterTask<String> {
        INSTANCE;

        @Override
        public String execute(TaskContext node) {
            return node.nodeId().value();
        }
    }

    static final class SlowOnTwo implements ClusterTask<String> {
        static volatile CountDownLatch latch;

        @Override
        public String execute(TaskContext node) throws InterruptedException {
            if (node.nodeId().value().equals("two")) {
                latch.await();
            }
            return node.nodeId().value();
        }
    }
}
