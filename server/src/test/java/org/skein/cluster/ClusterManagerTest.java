package org.skein.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.skein.XmppServer;
import org.skein.clustering.ClusterManager;
import org.skein.testing.InMemoryCluster;
import org.skein.testing.InMemoryClusterStrategy;
import org.skein.testing.TestNodes;

class ClusterManagerTest {

    @TempDir
    Path dir;

    private TestNodes nodes;
    private XmppServer node;
    private ClusterManager manager;
    private final List<String> calls = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void startNode() {
        nodes = new TestNodes(dir);
        node = nodes.start("node", Map.of());
        manager = node.clusterManager();
    }

    @AfterEach
    void stopNode() throws Exception {
        nodes.close();
    }

    private ClusterEventListener recording(String name) {
        return new ClusterEventListener() {
            @Override
            public void joinedCluster() {
                calls.add(name + ":joined");
            }

            @Override
            public void joinedCluster(NodeID nodeId) {
                calls.add(name + ":joined(" + nodeId + ")");
            }

            @Override
            public void leftCluster() {
                calls.add(name + ":left");
            }

            @Override
            public void leftCluster(NodeID nodeId) {
                calls.add(name + ":left(" + nodeId + ")");
            }

            @Override
            public void markedAsSeniorClusterMember() {
                calls.add(name + ":senior");
            }
        };
    }

    @Test
    void listenersAreCalledBySequenceThenByRegistration() {
        manager.addListener(recording("ten"), 10);
        manager.addListener(recording("zero-a"), 0);
        manager.addListener(recording("five"), 5);
        manager.addListener(recording("zero-b"));

        manager.fireJoinedCluster(NodeID.of("other"), true);

        assertThat(calls).containsExactly("zero-a:joined(other)", "zero-b:joined(other)", "five:joined(other)", "ten:joined(other)");
    }

    @Test
    void aFailingListenerIsSkippedAndTheOthersStillHear() {
        manager.addListener(recording("before"), 0);
        manager.addListener(new ClusterEventListener() {
            @Override
            public void leftCluster(NodeID nodeId) {
                throw new IllegalStateException("listener bug");
            }
        }, 1);
        manager.addListener(recording("after"), 2);

        manager.fireLeftCluster(NodeID.of("gone"), true);
        manager.fireJoinedCluster(NodeID.of("back"), true);

        assertThat(calls).containsExactly("before:left(gone)", "after:left(gone)", "before:joined(back)", "after:joined(back)");
    }

    @Test
    void eventsAreDeliveredInTheOrderTheyHappenedOnOneThread() {
        Set<String> threads = Collections.synchronizedSet(new HashSet<>());
        List<String> expected = new ArrayList<>();
        manager.addListener(new ClusterEventListener() {
            @Override
            public void joinedCluster(NodeID nodeId) {
                threads.add(Thread.currentThread().getName());
                calls.add("+" + nodeId);
            }

            @Override
            public void leftCluster(NodeID nodeId) {
                threads.add(Thread.currentThread().getName());
                calls.add("-" + nodeId);
            }
        });

        for (int i = 0; i < 500; i++) {
            NodeID id = NodeID.of("n" + i);
            if (i % 2 == 0) {
                manager.fireJoinedCluster(id, false);
                expected.add("+" + id);
            } else {
                manager.fireLeftCluster(id, false);
                expected.add("-" + id);
            }
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> calls.size() == 500);
        assertThat(calls).containsExactlyElementsOf(expected);
        assertThat(threads).singleElement().asString().startsWith("skein-cluster-events-");
    }

    @Test
    void startingWithoutAClusteringPluginGivesAClearError() {
        node.config().set(ClusterManager.ENABLED_KEY, "true");

        assertThat(manager.startup()).isFalse();

        assertThat(manager.getState()).isEqualTo(ClusterManager.State.STOPPED);
        assertThat(manager.isClusteringAvailable()).isFalse();
        assertThat(manager.getLastError()).hasValueSatisfying(error -> assertThat(error)
                .contains("clustering.enabled=true")
                .contains("no clustering plugin is loaded")
                .contains("plugins folder"));
    }

    @Test
    void aDisabledNodeDoesNotStartClustering() {
        InMemoryClusterStrategy strategy = nodes.closeLater(new InMemoryCluster().strategyFor(node));
        node.cacheFactory().setClusteredStrategy(strategy);
        assertThat(manager.isClusteringEnabled()).isFalse();
        assertThat(manager.startup()).isFalse();
        assertThat(strategy.isMember()).isFalse();
    }

    @Test
    void theSwitchPersistsTheSettingAndStartsAndStopsClustering() throws Exception {
        InMemoryClusterStrategy strategy = nodes.closeLater(new InMemoryCluster().strategyFor(node));
        node.cacheFactory().setClusteredStrategy(strategy);
        manager.addListener(new ClusterEventListener() {
            @Override
            public void joinedCluster() {
                calls.add("joined, caches clustered: " + node.cacheFactory().isClustered());
            }

            @Override
            public void leftCluster() {
                calls.add("left, caches clustered: " + node.cacheFactory().isClustered());
            }

            @Override
            public void markedAsSeniorClusterMember() {
                calls.add("senior");
            }
        });

        assertThat(manager.setClusteringEnabled(true).get()).isTrue();
        assertThat(manager.waitForClusteringStarted(Duration.ofSeconds(10))).isTrue();
        assertThat(node.config().getBoolean(ClusterManager.ENABLED_KEY, false)).isTrue();
        assertThat(manager.isClusteringStarted()).isTrue();
        assertThat(manager.isSeniorClusterMember()).isTrue();

        assertThat(manager.setClusteringEnabled(false).get()).isFalse();
        assertThat(manager.waitForClusteringStopped(Duration.ofSeconds(10))).isTrue();
        assertThat(node.config().getBoolean(ClusterManager.ENABLED_KEY, true)).isFalse();
        assertThat(strategy.isMember()).isFalse();

        await().atMost(Duration.ofSeconds(10)).until(() -> calls.size() == 3);
        assertThat(calls).containsExactly("joined, caches clustered: true", "senior", "left, caches clustered: false");
    }

    @Test
    void aStrategyThatCannotJoinLeavesTheNodeAloneWithTheReason() {
        node.config().set(ClusterManager.ENABLED_KEY, "true");
        InMemoryClusterStrategy broken = nodes.closeLater(new InMemoryCluster().strategyFor(node));
        node.cacheFactory().setClusteredStrategy(new DelegatingStrategy(broken) {
            @Override
            public boolean startCluster() {
                throw new ClusterException("no member reachable at 127.0.0.1:5701");
            }
        });

        assertThat(manager.startup()).isFalse();
        assertThat(manager.getState()).isEqualTo(ClusterManager.State.STOPPED);
        assertThat(manager.getLastError()).hasValueSatisfying(e -> assertThat(e).contains("no member reachable"));
        assertThat(node.cacheFactory().isClustered()).isFalse();
    }
}
