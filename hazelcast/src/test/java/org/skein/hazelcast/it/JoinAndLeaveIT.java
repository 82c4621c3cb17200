package org.skein.hazelcast.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.skein.XmppServer;
import org.skein.cache.Cache;
import org.skein.cluster.ClusterEventListener;
import org.skein.cluster.NodeID;

/** Nodes joining and leaving a cluster of real members: the cache switch, the events, the senior member. */
class JoinAndLeaveIT {

    @TempDir
    Path dir;

    private HazelcastNodes nodes;
    private final Map<String, List<String>> events = new ConcurrentHashMap<>();

    @BeforeEach
    void setUp() {
        nodes = new HazelcastNodes(dir, "one", "two", "three");
    }

    @AfterEach
    void tearDown() throws Exception {
        nodes.close();
    }

    /** Starts a node with clustering off, so that the test can prepare it before it joins. */
    private XmppServer prepared(String name) {
        XmppServer node = nodes.startWithoutWaiting(name, Map.of("clustering.enabled", "false"));
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        events.put(name, log);
        node.clusterManager().addListener(new RecordingListener(log));
        return node;
    }

    private static void join(XmppServer node) throws Exception {
        assertThat(node.clusterManager().setClusteringEnabled(true).get()).isTrue();
        await().atMost(Duration.ofSeconds(60)).until(() -> node.clusterManager().isClusteringStarted());
    }

    @Test
    void cachesKeepTheirContentWhenTheNodeJoinsLocalOnlyCachesStayAndLeavingMakesThemLocalAgain() throws Exception {
        XmppServer one = prepared("one");
        XmppServer two = prepared("two");
        Cache<String, String> sharedOnOne = one.cacheFactory().createCache("shared");
        Cache<String, String> privateOnOne = one.cacheFactory().createLocalCache("private");
        sharedOnOne.put("written-before-join", "by one");
        privateOnOne.put("mine", "only one");
        Cache<String, String> sharedOnTwo = two.cacheFactory().createCache("shared");
        sharedOnTwo.put("also-before-join", "by two");

        join(one);
        join(two);

        assertThat(sharedOnOne).isSameAs(one.cacheFactory().createCache("shared"));
        assertThat(storageOf(one, "shared")).isEqualTo("hazelcast");
        assertThat(sharedOnTwo.get("written-before-join")).isEqualTo("by one");
        assertThat(sharedOnOne.get("also-before-join")).isEqualTo("by two");
        sharedOnTwo.put("written-in-cluster", "by two");
        assertThat(sharedOnOne.get("written-in-cluster")).isEqualTo("by two");

        assertThat(privateOnOne).containsOnlyKeys("mine");
        assertThat(storageOf(one, "private")).isEqualTo("local");
        Cache<String, String> privateOnTwo = two.cacheFactory().createLocalCache("private");
        assertThat(privateOnTwo).isEmpty();

        one.clusterManager().setClusteringEnabled(false).get();
        assertThat(one.cacheFactory().isClustered()).isFalse();
        assertThat(storageOf(one, "shared")).isEqualTo("local");
        assertThat(sharedOnOne).isEmpty();
        sharedOnOne.put("alone", "again");
        assertThat(sharedOnTwo.get("alone")).isNull();
        assertThat(sharedOnTwo.get("written-in-cluster")).isEqualTo("by two");
        assertThat(privateOnOne).containsOnlyKeys("mine");

        two.clusterManager().setClusteringEnabled(false).get();
        assertThat(two.cacheFactory().isClustered()).isFalse();
        assertThat(sharedOnTwo).isEmpty();
    }

    @Test
    void everyNodeHearsOfJoinsAndLeavesWithTheRightNodeIdsAndTheSeniorMoves() throws Exception {
        XmppServer one = prepared("one");
        XmppServer two = prepared("two");
        XmppServer three = prepared("three");
        join(one);
        join(two);
        // two announces itself with a cluster task: one hears of it a moment later, and of three after that
        // only if three joins once it has (two announcements in flight may arrive in either order)
        await().atMost(Duration.ofSeconds(30)).until(() -> events.get("one").contains("joined(two)"));
        join(three);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(events.get("one")).containsExactly("joined", "senior", "joined(two)", "joined(three)");
            assertThat(events.get("two")).containsExactly("joined", "joined(three)");
            assertThat(events.get("three")).containsExactly("joined");
        });
        assertThat(two.clusterManager().getSeniorClusterMember()).isEqualTo(NodeID.of("one"));

        one.clusterManager().setClusteringEnabled(false).get();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(events.get("one")).endsWith("left");
            assertThat(events.get("two")).endsWith("left(one)", "senior");
            assertThat(events.get("three")).endsWith("left(one)");
        });
        assertThat(two.clusterManager().isSeniorClusterMember()).isTrue();
        assertThat(three.clusterManager().getSeniorClusterMember()).isEqualTo(NodeID.of("two"));
        assertThat(three.clusterManager().getNodesInfo()).hasSize(2);

        nodes.stop("three");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(events.get("two")).endsWith("left(three)"));
        assertThat(events.get("two")).containsOnlyOnce("senior");
    }

    /** Writes down every cluster event, as a plugin's listener would see it. */
    record RecordingListener(List<String> log) implements ClusterEventListener {
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
    }

    /** The storage a cache of a node is in now, as its statistics say. */
    private static String storageOf(XmppServer node, String cache) {
        return node.cacheFactory().getLocalCacheStats().stream().filter(s -> s.name().equals(cache)).findFirst().orElseThrow().strategy();
    }
}
