package org.skein.cluster.spi;

import java.util.List;
import org.skein.cluster.ClusterNodeInfo;
import org.skein.cluster.NodeID;

/** Who the members of the cluster are, as a member sees them now. Thread-safe; reads need no round trip. */
public interface Membership {

    /** Every member that runs a Skein node, this one included, the senior (oldest) first. */
    List<ClusterNodeInfo> members();

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
