package org.skein.hazelcast.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.skein.XmppServer;
import org.skein.cache.Cache;
import org.skein.cluster.ClusterEventListener;

/**
 * A split brain of a three-node cluster: {one, two} and {three} go on as two clusters, then Hazelcast
 * merges {three} into the larger side. The node of the smaller side must go through leftCluster and
 * joinedCluster and restore its local state, the others must hear that it left and joined again, and
 * in the end every node must be in one cluster with every node's state in the shared cache.
 */
class SplitBrainIT {

    private static final String STATES = "states";

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

    private XmppServer start(String name) throws Exception {
        XmppServer node = nodes.startWithoutWaiting(name, Map.of("clustering.enabled", "false",
                "hazelcast.merge.firstRunDelay", "3s", "hazelcast.merge.nextRunDelay", "3s"));
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        events.put(name, log);
        node.clusterManager().addListener(new JoinAndLeaveIT.RecordingListener(log));
        node.clusterManager().addListener(new LocalState(node), 10);
        node.cacheFactory().<String, String>createCache(STATES).put("state-" + name, name);
        node.clusterManager().setClusteringEnabled(true).get();
        await().atMost(Duration.ofSeconds(60)).until(() -> node.clusterManager().isClusteringStarted());
        return node;
    }

    @Test
    void theSmallerSideLeavesAndJoinsAgainAndRestoresItsStateAndEveryoneEndsInOneCluster() throws Exception {
        XmppServer one = start("one");
        XmppServer two = start("two");
        XmppServer three = start("three");
        await().atMost(Duration.ofSeconds(30)).until(() -> one.clusterManager().getNodesInfo().size() == 3);
        assertThat(one.cacheFactory().<String, String>createCache(STATES)).containsOnlyKeys("state-one", "state-two", "state-three");
        events.values().forEach(List::clear);

        SplitBrain.split(Set.of(one, two), Set.of(three));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(events.get("one")).contains("left(three)");
            assertThat(events.get("two")).contains("left(three)");
            assertThat(events.get("three")).contains("left(one)", "left(two)", "senior");
        });

        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            for (XmppServer node : List.of(one, two, three)) {
                assertThat(node.clusterManager().getNodesInfo()).hasSize(3);
                assertThat(node.clusterManager().isClusteringStarted()).isTrue();
            }
            assertThat(events.get("three")).containsSubsequence("left(one)", "left", "joined");
            assertThat(events.get("one")).containsSubsequence("left(three)", "joined(three)");
            assertThat(events.get("two")).containsSubsequence("left(three)", "joined(three)");
        });
        for (XmppServer node : List.of(one, two, three)) {
            assertThat(node.cacheFactory().<String, String>createCache(STATES))
                    .containsOnlyKeys("state-one", "state-two", "state-three");
            assertThat(node.clusterManager().getSeniorClusterMember()).isEqualTo(one.nodeId());
        }
        assertThat(events.get("one")).doesNotContain("left", "joined");
        assertThat(events.get("two")).doesNotContain("left", "joined");
    }

    /** A node's own state, restored into the caches whenever they are swapped, as the server's subsystems do. */
    private record LocalState(XmppServer node) implements ClusterEventListener {
        @Override
        public void joinedCluster() {
            restore();
        }

        @Override
        public void leftCluster() {
            restore();
        }

        private void restore() {
            node.cacheFactory().<String, String>createCache(STATES).put("state-" + node.nodeId(), node.nodeId().value());
        }
    }
}
