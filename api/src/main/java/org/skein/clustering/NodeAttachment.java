package org.skein.clustering;

import org.skein.cluster.spi.ClusterMember;

/**
 * What the node itself does at the edges of a membership, given to its cluster manager when the node
 * is built (so no plugin can add one): when the node becomes a member, before its caches move, it
 * starts the parts it needs from the member (the packet router part) and installs them; when it stops
 * being one, before its caches move back, it removes them. Both run on the cluster lifecycle thread.
 */
public interface NodeAttachment {

    /** Attaches nothing: a node without XMPP routing (tests of the clustering core). */
    NodeAttachment NONE = new NodeAttachment() {
        @Override
        public void attach(ClusterMember member) {
        }

        @Override
        public void detach(boolean clean) {
        }
    };

    /**
     * The node became a member; its caches are still local. An exception makes the join fail (the
     * member leaves again and the node goes on alone).
     */
    void attach(ClusterMember member);

    /**
     * The node stops being a member; its caches are still clustered.
     *
     * @param clean {@code true} on a leave (let work in flight drain), {@code false} when the member is
     *        already gone
     */
    void detach(boolean clean);
}
