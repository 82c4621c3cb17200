package org.skein.cluster.testing;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.skein.cache.CacheFactory;
import org.skein.cache.CacheSettings;
import org.skein.cluster.ClusterEventListener;
import org.skein.cluster.NodeID;
import org.skein.cluster.Registration;
import org.skein.cluster.spi.ClusteringProvider;
import org.skein.clustering.ClusterManager;
import org.skein.clustering.NodeAttachment;

/**
 * The clustering core of one node without the rest of the node: its cache factory, its cluster
 * manager (clustering enabled) and its services for tasks, with a provider registered and a listener
 * that records every cluster event in order ({@link #events()}). What the protocol contract runs on.
 */
public final class TestCore implements AutoCloseable {

    private final NodeID nodeId;
    private final ExecutorService tasks;
    private final CacheFactory caches;
    private final ClusterManager cluster;
    private final Registration provider;
    private final List<String> events = Collections.synchronizedList(new ArrayList<>());

    public TestCore(String name, ClusteringProvider clusteringProvider) {
        this.nodeId = NodeID.of(name);
        this.tasks = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "test-core-tasks-" + name);
            thread.setDaemon(true);
            return thread;
        });
        this.caches = new CacheFactory(nodeId, cacheName -> CacheSettings.UNLIMITED, Ticker.systemTicker());
        this.cluster = new ClusterManager(nodeId, new TestClusterSettings(true), caches, tasks, Clock.systemUTC(),
                NodeAttachment.NONE);
        cluster.addListener(new Recorder(), Integer.MIN_VALUE);
        this.provider = cluster.registerProvider(clusteringProvider);
    }

    public NodeID nodeId() {
        return nodeId;
    }

    public CacheFactory caches() {
        return caches;
    }

    public ClusterManager cluster() {
        return cluster;
    }

    /** The registration of the core's provider: closing it leaves the cluster and unregisters the provider. */
    public Registration providerRegistration() {
        return provider;
    }

    /** The cluster events this node heard so far, in order: {@code joined}, {@code joined(b)}, {@code left(c)}, {@code senior}. */
    public List<String> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /** Joins and waits until the join is over; returns whether the node is a member. */
    public boolean join() {
        return cluster.startup();
    }

    @Override
    public void close() throws InterruptedException {
        provider.close();
        cluster.close();
        tasks.shutdownNow();
        tasks.awaitTermination(10, TimeUnit.SECONDS);
    }

    @Override
    public String toString() {
        return "TestCore{" + nodeId + "}";
    }

    private final class Recorder implements ClusterEventListener {
        @Override
        public void joinedCluster() {
            events.add("joined");
        }

        @Override
        public void joinedCluster(NodeID node) {
            events.add("joined(" + node + ")");
        }

        @Override
        public void leftCluster() {
            events.add("left");
        }

        @Override
        public void leftCluster(NodeID node) {
            events.add("left(" + node + ")");
        }

        @Override
        public void markedAsSeniorClusterMember() {
            events.add("senior");
        }
    }
}
