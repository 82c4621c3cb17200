package org.skein.cluster.spi;

import java.util.List;
import org.skein.cluster.ClusterNodeInfo;
import org.skein.cluster.ForeignMember;
import org.skein.cluster.NodeID;

/** Who the members of the cluster are, as a member sees them now. Thread-safe; reads need no round trip. */
public interface Membership {

    /**
     * Every member that runs a Skein node of this cluster, this one included, the senior (oldest) first.
     * A member the provider does not trust (see {@link #foreignMembers()}) is not among them: it gets no
     * stanzas, no tasks and no role.
     */
    List<ClusterNodeInfo> members();

    /**
     * The members of the cluster's network that are not trusted Skein nodes of this cluster (plain members
     * of the clustering software, nodes without the cluster's secret), for the console and the metrics.
     * None for a provider that cannot tell.
     */
    default List<ForeignMember> foreignMembers() {
        return List.of();
    }

    /** Milliseconds since the epoch on a clock the members agree on. */
    long clusterTime();

    /** Whether a node is a member now. */
    default boolean isMember(NodeID node) {
        return members().stream().anyMatch(info -> info.nodeId().equals(node));
    }

    /** The senior (oldest) member now. */
    default NodeID senior() {
        return members().get(0).nodeId();
    }
}
