package org.skein.routing;

import java.io.Serializable;
import java.util.Objects;
import org.skein.cluster.NodeID;

/**
 * Where one full JID's session lives, and what message routing needs to know of it without asking
 * that node: whether it has sent available presence, and its priority. The value of the clustered
 * {@code routes.users} cache. Immutable.
 *
 * @param node the node that holds the session
 * @param available whether the session's last presence was available
 * @param priority the priority of that presence (-128..127), 0 before the first presence
 */
public record ClientRoute(NodeID node, boolean available, int priority) implements Serializable {

    public ClientRoute {
        Objects.requireNonNull(node, "node");
    }
}
