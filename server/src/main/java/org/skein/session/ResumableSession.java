package org.skein.session;

import java.io.Serializable;
import java.util.Objects;
import org.skein.cluster.NodeID;

/**
 * Where a resumable session is (XEP-0198): the value of the clustered {@value SessionResumption#DIRECTORY_CACHE}
 * cache, keyed by stream management id, written by the node that holds the session (when the client enables
 * resumption, and by the node it moves to), removed by it when the session ends. A node where a client resumes
 * with an id it does not hold itself finds the holder here. Immutable.
 *
 * @param node the node that holds the session
 * @param fullJid the session's full JID
 */
record ResumableSession(NodeID node, String fullJid) implements Serializable {

    ResumableSession {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(fullJid, "fullJid");
    }
}
