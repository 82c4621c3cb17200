package org.skein.cluster;

import java.io.Serializable;
import java.util.Objects;

/**
 * What the cluster knows of one member node: its id, the host it runs on, when it joined (cluster
 * time, epoch milliseconds) and whether it is the senior (oldest) member. An immutable snapshot.
 *
 * @param nodeId the node's id
 * @param hostName the host name or address the node is reachable at, for display
 * @param joinedTime cluster time at which the node joined, epoch milliseconds
 * @param senior whether the node was the senior member when this snapshot was taken
 */
public record ClusterNodeInfo(NodeID nodeId, String hostName, long joinedTime, boolean senior) implements Serializable {

    public ClusterNodeInfo {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(hostName, "hostName");
    }
}
