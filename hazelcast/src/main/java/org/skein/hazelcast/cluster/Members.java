package org.skein.hazelcast.cluster;

import com.hazelcast.cluster.Cluster;
import com.hazelcast.cluster.Member;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.skein.cluster.ClusterNodeInfo;
import org.skein.cluster.ForeignMember;
import org.skein.cluster.NodeID;
import org.skein.cluster.UnknownClusterNodeException;
import org.skein.cluster.spi.Membership;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The members of the cluster as Skein nodes: looked up by node id, oldest (the senior) first. Only
 * <em>trusted</em> members count: those that claim a node id and pass {@link MemberTrust} (prove the
 * cluster secret, when this node has one), one per node id (the oldest). The others are
 * {@linkplain #foreignMembers() foreign}: reported once in the log when first seen, shown in the console,
 * and never given a stanza, a cluster task or a role, because every lookup here (the packet router's,
 * the cluster tasks', the senior's) skips them. Thread-safe; a member's verdict is kept by its UUID
 * (its attributes never change).
 */
final class Members implements Membership {

    private static final Logger LOG = LoggerFactory.getLogger(Members.class);

    private final Cluster cluster;
    private final MemberTrust trust;
    private final NodeID localNode;
    private final Map<UUID, Optional<ForeignMember.Reason>> verdicts = new ConcurrentHashMap<>();
    private final Set<UUID> reported = ConcurrentHashMap.newKeySet();

    Members(Cluster cluster, MemberTrust trust, NodeID localNode) {
        this.cluster = cluster;
        this.trust = trust;
        this.localNode = localNode;
    }

    /** One look at the members: the trusted ones, oldest first, and the foreign ones. */
    private record View(List<Member> trusted, List<ForeignMember> foreign) {
    }

    private View view() {
        List<Member> trusted = new ArrayList<>();
        List<ForeignMember> foreign = new ArrayList<>();
        Set<NodeID> nodes = new HashSet<>();
        for (Member member : cluster.getMembers()) {
            Optional<ForeignMember.Reason> reason = verdict(member);
            NodeID node = MemberAttributes.nodeId(member);
            if (reason.isEmpty() && !nodes.add(node)) {
                reason = Optional.of(ForeignMember.Reason.DUPLICATE_NODE_ID);
            }
            if (reason.isEmpty()) {
                trusted.add(member);
            } else {
                foreign.add(foreign(member, reason.get()));
                report(member, reason.get());
            }
        }
        return new View(trusted, foreign);
    }

    private Optional<ForeignMember.Reason> verdict(Member member) {
        return verdicts.computeIfAbsent(member.getUuid(), uuid -> safeJudge(member));
    }

    private Optional<ForeignMember.Reason> safeJudge(Member member) {
        try {
            return trust.judge(member);
        } catch (RuntimeException e) {
            // attributes from the network that break the check: not a node of this cluster
            LOG.debug("Could not check member {}", member, e);
            return Optional.of(ForeignMember.Reason.WRONG_SECRET);
        }
    }

    private static ForeignMember foreign(Member member, ForeignMember.Reason reason) {
        String claimed = member.getAttribute(MemberAttributes.NODE_ID);
        return new ForeignMember(address(member), member.getUuid().toString(), claimed, reason);
    }

    private void report(Member member, ForeignMember.Reason reason) {
        if (!reported.add(member.getUuid())) {
            return;
        }
        String claimed = member.getAttribute(MemberAttributes.NODE_ID);
        String why = switch (reason) {
            case NOT_A_SKEIN_NODE -> "it is not a Skein node (no node id)";
            case NO_PROOF -> "it claims node id '" + claimed + "' but shows no proof of the cluster secret (cluster.secret)";
            case WRONG_SECRET -> "it claims node id '" + claimed + "' but its proof does not match this node's cluster secret";
            case DUPLICATE_NODE_ID -> "it claims node id '" + claimed + "', which an older member already runs";
        };
        LOG.warn("Node {}: Hazelcast member {} ({}) is in the cluster, but {}. It gets no stanzas, no cluster tasks and no "
                + "role; it can still read the cluster's maps: keep the cluster port on a network of its own "
                + "(docs/operations.md, 'Who may join the cluster')", localNode, address(member), member.getUuid(), why);
    }

    /** A member is gone: what was kept about it is dropped. */
    void removed(Member member) {
        verdicts.remove(member.getUuid());
        reported.remove(member.getUuid());
    }

    /** Checks a member that was added at once, so a foreign one is reported when it joins. */
    void added(Member member) {
        view();
    }

    /**
     * Whether the member (as a departure event gives it) was a trusted node whose departure is news:
     * it passed the check and no trusted member runs its node id now.
     */
    boolean departureCounts(Member member) {
        NodeID node = MemberAttributes.nodeId(member);
        Optional<ForeignMember.Reason> reason = verdicts.containsKey(member.getUuid()) ? verdicts.get(member.getUuid())
                : safeJudge(member);
        return node != null && reason.isEmpty() && find(node) == null;
    }

    /** Every trusted member, the oldest (the senior) first. */
    List<Member> all() {
        return view().trusted();
    }

    /** The trusted members other than this one. */
    List<Member> others() {
        List<Member> others = new ArrayList<>();
        for (Member member : view().trusted()) {
            if (!member.localMember()) {
                others.add(member);
            }
        }
        return others;
    }

    /**
     * The trusted member that runs this node.
     *
     * @throws UnknownClusterNodeException if no trusted member does
     */
    Member require(NodeID nodeId) {
        Member member = find(nodeId);
        if (member == null) {
            throw new UnknownClusterNodeException(nodeId);
        }
        return member;
    }

    /** The trusted member that runs this node, or {@code null}. */
    Member find(NodeID nodeId) {
        for (Member member : view().trusted()) {
            if (nodeId.equals(MemberAttributes.nodeId(member))) {
                return member;
            }
        }
        return null;
    }

    /**
     * Whether only foreign members claim this node id now (a task or batch that names it as its sender is
     * refused). A node id nobody claims (a node that just left) is not foreign.
     */
    boolean isForeignNode(NodeID nodeId) {
        View view = view();
        for (Member member : view.trusted()) {
            if (nodeId.equals(MemberAttributes.nodeId(member))) {
                return false;
            }
        }
        return view.foreign().stream().anyMatch(f -> f.claimedNode().equals(nodeId.value()));
    }

    @Override
    public boolean isMember(NodeID nodeId) {
        return find(nodeId) != null;
    }

    @Override
    public long clusterTime() {
        return cluster.getClusterTime();
    }

    @Override
    public List<ClusterNodeInfo> members() {
        List<ClusterNodeInfo> infos = new ArrayList<>();
        boolean first = true;
        for (Member member : view().trusted()) {
            infos.add(new ClusterNodeInfo(MemberAttributes.nodeId(member), address(member), MemberAttributes.joinedTime(member), first));
            first = false;
        }
        return infos;
    }

    @Override
    public List<ForeignMember> foreignMembers() {
        return view().foreign();
    }

    private static String address(Member member) {
        return member.getAddress().getHost() + ":" + member.getAddress().getPort();
    }
}
