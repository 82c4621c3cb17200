package org.skein.routing;

import java.io.Serializable;
import java.util.Objects;
import org.skein.cluster.NodeID;

/**
 * Where one full JID's session lives, and what message routing needs to know of it without asking
 * that node: whether it has sent available presence, its priority, and whether it asked for message
 * carbons (XEP-0280). The value of the clustered {@code routes.users} cache, written only by the node
 * that holds the session. Immutable.
 *
 * @param node the node that holds the session
 * @param available whether the session's last presence was available
 * @param priority the priority of that presence (-128..127), 0 before the first presence
 * @param carbons whether the session enabled message carbons: it gets copies of its user's other
 *        sessions' chats
 */
public record ClientRoute(NodeID node, boolean available, int priority, boolean carbons) implements Serializable {

    public ClientRoute {
        Objects.requireNonNull(node, "node");
    }

    /** A route of a session without carbons. */
    public ClientRoute(NodeID node, boolean available, int priority) {
        this(node, available, priority, false);
    }
}
