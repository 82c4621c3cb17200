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
import org.skein.cluster.testing.InMemoryCluster;
import org.skein.cluster.testing.InMemoryProvider;
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

    /** Makes this test's node a member of a cluster with one other node (which joins after it). */
    private XmppServer clusterWithAnother(InMemoryCluster cluster) {
        node.config().set(ClusterManager.ENABLED_KEY, "true");
        manager.registerProvider(cluster.provider());
        assertThat(manager.startup()).isTrue();
        XmppServer other = nodes.start("other", Map.of("node.id", "other", "clustering.enabled", "true"));
        other.clusterManager().registerProvider(cluster.provider());
        assertThat(other.clusterManager().startup()).isTrue();
        return other;
    }

    @Test
    void listenersAreCalledBySequenceThenByRegistration() {
        manager.addListener(recording("ten"), 10);
        manager.addListener(recording("zero-a"), 0);
        manager.addListener(recording("five"), 5);
        manager.addListener(recording("zero-b"));
        var removed = manager.addListener(recording("removed"), 1);
        removed.close();

        clusterWithAnother(new InMemoryCluster());

        await().atMost(Duration.ofSeconds(30)).until(() -> calls.size() == 12);
        assertThat(calls).containsExactly("zero-a:joined", "zero-b:joined", "five:joined", "ten:joined",
                "zero-a:senior", "zero-b:senior", "five:senior", "ten:senior",
                "zero-a:joined(other)", "zero-b:joined(other)", "five:joined(other)", "ten:joined(other)");
    }

    @Test
    void aFailingListenerIsSkippedAndTheOthersStillHear() throws Exception {
        manager.addListener(recording("before"), 0);
        manager.addListener(new ClusterEventListener() {
            @Override
            public void joinedCluster(NodeID nodeId) {
                throw new IllegalStateException("listener bug");
            }
        }, 1);
        manager.addListener(recording("after"), 2);

        XmppServer other = clusterWithAnother(new InMemoryCluster());
        await().atMost(Duration.ofSeconds(30)).until(() -> calls.contains("after:joined(other)"));
        other.clusterManager().shutdown();

        await().atMost(Duration.ofSeconds(30)).until(() -> calls.contains("after:left(other)"));
        assertThat(calls).containsSubsequence("before:joined(other)", "after:joined(other)", "before:left(other)", "after:left(other)");
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

        InMemoryCluster cluster = new InMemoryCluster();
        InMemoryProvider provider = cluster.provider();
        node.config().set(ClusterManager.ENABLED_KEY, "true");
        manager.registerProvider(provider);
        assertThat(manager.startup()).isTrue();
        // facts as a library reports them, from another thread, without waiting
        for (int i = 0; i < 500; i++) {
            NodeID id = NodeID.of("n" + i);
            provider.member().report().memberLeft(id);
            expected.add("-" + id);
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> calls.size() == 500);
        assertThat(calls).containsExactlyElementsOf(expected);
        assertThat(threads).singleElement().asString().isEqualTo("skein-cluster-" + node.nodeId());
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
        InMemoryCluster cluster = new InMemoryCluster();
        manager.registerProvider(cluster.provider());
        assertThat(manager.isClusteringEnabled()).isFalse();
        assertThat(manager.startup()).isFalse();
        assertThat(cluster.members()).isEmpty();
    }

    @Test
    void theSwitchPersistsTheSettingAndStartsAndStopsClustering() throws Exception {
        InMemoryCluster cluster = new InMemoryCluster();
        manager.registerProvider(cluster.provider());
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
        assertThat(cluster.members()).isEmpty();

        await().atMost(Duration.ofSeconds(10)).until(() -> calls.size() == 3);
        assertThat(calls).containsExactly("joined, caches clustered: true", "senior", "left, caches clustered: false");
    }

    @Test
    void aProviderThatCannotJoinLeavesTheNodeAloneWithTheReason() {
        node.config().set(ClusterManager.ENABLED_KEY, "true");
        InMemoryProvider broken = new InMemoryCluster().provider();
        broken.refuseJoins("no member reachable at 127.0.0.1:5701");
        manager.registerProvider(broken);

        assertThat(manager.startup()).isFalse();
        assertThat(manager.getState()).isEqualTo(ClusterManager.State.STOPPED);
        assertThat(manager.getLastError()).hasValueSatisfying(e -> assertThat(e).contains("no member reachable"));
        assertThat(node.cacheFactory().isClustered()).isFalse();
    }
}
