package org.skein.hazelcast.cluster;

import com.hazelcast.cluster.Cluster;
import com.hazelcast.cluster.Member;
import java.util.ArrayList;
import java.util.List;
import org.skein.cluster.ClusterNodeInfo;
import org.skein.cluster.NodeID;
import org.skein.cluster.UnknownClusterNodeException;
import org.skein.cluster.spi.Membership;

/** The members of the cluster as Skein nodes: looked up by node id, oldest (the senior) first. */
final class Members implements Membership {

    private final Cluster cluster;

    Members(Cluster cluster) {
        this.cluster = cluster;
    }

    /** Every member, the oldest (the senior) first. */
    List<Member> all() {
        return List.copyOf(cluster.getMembers());
    }

    List<Member> others() {
        List<Member> others = new ArrayList<>();
        for (Member member : cluster.getMembers()) {
            if (!member.localMember()) {
                others.add(member);
            }
        }
        return others;
    }

    /**
     * The member that runs this node.
     *
     * @throws UnknownClusterNodeException if no member does
     */
    Member require(NodeID nodeId) {
        for (Member member : cluster.getMembers()) {
            if (nodeId.equals(MemberAttributes.nodeId(member))) {
                return member;
            }
        }
        throw new UnknownClusterNodeException(nodeId);
    }

    /** The member that runs this node, or {@code null}. */
    Member find(NodeID nodeId) {
        for (Member member : cluster.getMembers()) {
            if (nodeId.equals(MemberAttributes.nodeId(member))) {
                return member;
            }
        }
        return null;
    }

    @Override
    public boolean isMember(NodeID nodeId) {
        for (Member member : cluster.getMembers()) {
            if (nodeId.equals(MemberAttributes.nodeId(member))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public long clusterTime() {
        return cluster.getClusterTime();
    }

    @Override
    public List<ClusterNodeInfo> members() {
        List<ClusterNodeInfo> infos = new ArrayList<>();
        boolean first = true;
        for (Member member : cluster.getMembers()) {
            NodeID node = MemberAttributes.nodeId(member);
            if (node != null) {
                infos.add(new ClusterNodeInfo(node, member.getAddress().getHost() + ":" + member.getAddress().getPort(),
                        MemberAttributes.joinedTime(member), first));
            }
            first = false;
        }
        return infos;
    }
}
