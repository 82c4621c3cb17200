package org.skein.caps;

import java.util.Set;
import org.skein.session.LocalClientSession;

/**
 * Told when the known features of one of this node's sessions change: when its caps are first known
 * (from the cache or from the client's answer), when it advertises other caps, and when it goes
 * unavailable (the features become empty). Calls for one session come one at a time, in order; they
 * run on a client's processing thread and must be quick (no waiting for other nodes).
 */
@FunctionalInterface
public interface CapsListener {

    void featuresChanged(LocalClientSession session, Set<String> before, Set<String> after);
}
