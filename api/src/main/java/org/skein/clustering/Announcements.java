package org.skein.clustering;

import org.skein.cluster.NodeID;

/**
 * What a {@link JoinedNotice} reaches on the node it runs on: that node's protocol. Package-private, so
 * only the protocol can name it (and no plugin can announce a join).
 */
interface Announcements {

    /** Another node joined and its state is in the cluster. */
    void nodeJoined(NodeID node);
}
