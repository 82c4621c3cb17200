package org.skein.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.skein.XmppServer;
import org.skein.cluster.NodeID;
import org.skein.cluster.testing.InMemoryCluster;
import org.skein.routing.RemotePacketRouter;

/**
 * XMPP nodes in one JVM that form one domain on an {@link InMemoryCluster}, each with the cluster's
 * provider registered as the clustering plugin registers its own, plus a packet router part
 * ({@link InMemoryPacketRouter}): the node runs the same join protocol as with Hazelcast and installs
 * the router and its session locator itself. The nodes share one in-memory H2 database (accounts,
 * rosters, offline messages), as real cluster nodes share one database. Closing stops every node.
 */
public final class ClusteredNodes implements AutoCloseable {

    private final TestNodes nodes;
    private final InMemoryCluster cluster = new InMemoryCluster();
    private final String databaseUrl = "jdbc:h2:mem:cluster-" + UUID.randomUUID();
    private final Map<NodeID, XmppServer> byId = new HashMap<>();

    public ClusteredNodes(Path root) {
        this.nodes = new TestNodes(root);
    }

    /** Starts a node with id {@code name} and makes it join the cluster (waits until it has). */
    public XmppServer start(String name) throws InterruptedException {
        return start(name, Map.of());
    }

    public XmppServer start(String name, Map<String, String> config) throws InterruptedException {
        Map<String, String> values = new HashMap<>();
        values.put("node.id", name);
        values.put("clustering.enabled", "true");
        values.put("db.url", databaseUrl);
        values.put("xmpp.sasl.failureDelay", "20ms");
        values.putAll(config);
        XmppServer node = nodes.start(name, values);
        byId.put(node.nodeId(), node);
        node.clusterManager().registerProvider(cluster.provider().withPart(RemotePacketRouter.Part.class,
                member -> new InMemoryPacketRouter(cluster, node.nodeId(), byId::get)));
        join(node);
        return node;
    }

    /** Makes a node that left join again; waits until it has. */
    public void join(XmppServer node) throws InterruptedException {
        node.clusterManager().startup();
        if (!node.clusterManager().waitForClusteringStarted(Duration.ofSeconds(30))) {
            throw new IllegalStateException("node " + node.nodeId() + " did not join the in-memory cluster");
        }
    }

    /** Makes a node leave the cluster cleanly; waits until its caches are local. */
    public void leave(XmppServer node) throws InterruptedException {
        node.clusterManager().shutdown();
        if (!node.clusterManager().waitForClusteringStopped(Duration.ofSeconds(30))) {
            throw new IllegalStateException("node " + node.nodeId() + " did not leave the in-memory cluster");
        }
    }

    /** Drops a node out of the cluster without a clean leave, as a killed process. */
    public void crash(XmppServer node) {
        cluster.crash(node.nodeId());
    }

    public InMemoryCluster cluster() {
        return cluster;
    }

    @Override
    public void close() throws Exception {
        nodes.close();
    }
}
