package org.skein.hazelcast.it;

import java.lang.reflect.Method;
import java.util.Set;
import org.skein.XmppServer;

/**
 * Cuts a running cluster in two, with real members on loopback: every member of one side declares
 * the members of the other side dead (Hazelcast's own "suspect member" call, which also closes the
 * connection), as its failure detector would after a network cut. Each side then goes on as a
 * cluster of its own until Hazelcast's split-brain handler finds the other side and merges them, or,
 * for a test that must check the split state before the merge (its nodes configured with merge delays
 * longer than the test), until {@link #merge} makes the smaller side join the larger one as that
 * handler would.
 *
 * <p>The tests do not have Hazelcast on their class path (they load the packed plugin), so this
 * reaches the member through the plugin by reflection; it uses Hazelcast's internal API and may need
 * a look when Hazelcast is upgraded.
 */
final class SplitBrain {

    private SplitBrain() {
    }

    /** Makes every node of {@code side} drop every node of {@code otherSide}, and the other way round. */
    static void split(Set<XmppServer> side, Set<XmppServer> otherSide) throws ReflectiveOperationException {
        for (XmppServer node : side) {
            for (XmppServer other : otherSide) {
                suspect(node, other);
                suspect(other, node);
            }
        }
    }

    /**
     * Makes every node of {@code smallerSide} merge into the cluster of {@code larger} now: what
     * Hazelcast's split-brain handler has each member of the smaller side do when it finds the larger
     * cluster (leave, reset, join the other side's master). Returns when the nodes' Hazelcast members
     * have joined; the nodes' own merge handling follows on their cluster threads.
     */
    static void merge(Set<XmppServer> smallerSide, XmppServer larger) throws ReflectiveOperationException {
        Object target = clusterService(larger);
        Object targetAddress = target.getClass().getMethod("getThisAddress").invoke(target);
        String host = (String) targetAddress.getClass().getMethod("getHost").invoke(targetAddress);
        int port = (Integer) targetAddress.getClass().getMethod("getPort").invoke(targetAddress);
        for (XmppServer node : smallerSide) {
            Object clusterService = clusterService(node);
            // each node loads the plugin, and so Hazelcast, with a class loader of its own: the address is made with this node's
            Class<?> addressType = Class.forName("com.hazelcast.cluster.Address", false, clusterService.getClass().getClassLoader());
            Object address = addressType.getConstructor(String.class, int.class).newInstance(host, port);
            clusterService.getClass().getMethod("merge", addressType).invoke(clusterService, address);
        }
    }

    private static Object clusterService(XmppServer node) throws ReflectiveOperationException {
        Object member = hazelcastInstance(node);
        Object original = member.getClass().getMethod("getOriginal").invoke(member);
        Object hazelcastNode = original.getClass().getField("node").get(original);
        return hazelcastNode.getClass().getMethod("getClusterService").invoke(hazelcastNode);
    }

    private static void suspect(XmppServer node, XmppServer suspected) throws ReflectiveOperationException {
        Object member = hazelcastInstance(node);
        ClassLoader hazelcast = member.getClass().getClassLoader();
        Object cluster = member.getClass().getMethod("getCluster").invoke(member);
        Set<?> members = (Set<?>) cluster.getClass().getMethod("getMembers").invoke(cluster);
        Class<?> memberType = Class.forName("com.hazelcast.cluster.Member", false, hazelcast);
        Method attribute = memberType.getMethod("getAttribute", String.class);
        Object clusterService = clusterService(node);
        Method suspect = clusterService.getClass().getMethod("suspectMember", memberType, String.class, boolean.class);
        for (Object m : members) {
            if (suspected.nodeId().value().equals(attribute.invoke(m, "skein.node-id"))) {
                suspect.invoke(clusterService, m, "split brain test", true);
            }
        }
    }

    private static Object hazelcastInstance(XmppServer node) throws ReflectiveOperationException {
        Object plugin = HazelcastNodes.plugin(node).plugin();
        Object provider = plugin.getClass().getMethod("provider").invoke(plugin);
        Object instance = provider.getClass().getMethod("hazelcastInstance").invoke(provider);
        if (instance == null) {
            throw new IllegalStateException("node " + node.nodeId() + " is not a member");
        }
        return instance;
    }
}
