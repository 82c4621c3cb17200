package org.skein.cluster;

/**
 * Thrown when a cluster task is addressed to a node that is not a member of the cluster (it never
 * was, or it left or crashed). Callers that route to a node, such as a remote packet router, catch it
 * and treat the destination as gone.
 */
public final class UnknownClusterNodeException extends ClusterException {

    private static final long serialVersionUID = 1L;

    private final NodeID nodeId;

    public UnknownClusterNodeException(NodeID nodeId) {
        super("node " + nodeId + " is not a member of the cluster");
        this.nodeId = nodeId;
    }

    public NodeID nodeId() {
        return nodeId;
    }
}
