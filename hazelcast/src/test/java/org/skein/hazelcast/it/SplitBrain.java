package org.skein.hazelcast.it;

import java.lang.reflect.Method;
import java.util.Set;
import org.skein.XmppServer;

/**
 * Cuts a running cluster in two, with real members on loopback: every member of one side declares
 * the members of the other side dead (Hazelcast's own "suspect member" call, which also closes the
 * connection), as its failure detector would after a network cut. Each side then goes on as a
 * cluster of its own until Hazelcast's split-brain handler finds the other side and merges them.
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

    private static void suspect(XmppServer node, XmppServer suspected) throws ReflectiveOperationException {
        Object member = hazelcastInstance(node);
        ClassLoader hazelcast = member.getClass().getClassLoader();
        Object cluster = member.getClass().getMethod("getCluster").invoke(member);
        Set<?> members = (Set<?>) cluster.getClass().getMethod("getMembers").invoke(cluster);
        Class<?> memberType = Class.forName("com.hazelcast.cluster.Member", false, hazelcast);
        Method attribute = memberType.getMethod("getAttribute", String.class);
        Object original = member.getClass().getMethod("getOriginal").invoke(member);
        Object hazelcastNode = original.getClass().getField("node").get(original);
        Object clusterService = hazelcastNode.getClass().getMethod("getClusterService").invoke(hazelcastNode);
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
