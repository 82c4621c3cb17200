package org.skein.cluster.spi;

import java.util.Optional;
import org.skein.cache.CacheStorage;

/**
 * One running membership of a node in a cluster, from {@link ClusteringProvider#join} until
 * {@link #leave()} or until the provider reports it lost. Its parts, each with one job:
 * <ul>
 *   <li>{@link #membership()}: who the members are (the senior first) and the cluster's clock;</li>
 *   <li>{@link #caches()}: storage for the node's clusterable caches, shared with the other members;</li>
 *   <li>{@link #tasks()}: carries cluster tasks to other members and runs theirs here;</li>
 *   <li>{@link #part(Class)}: parts that the node uses but the cluster manager does not know, found by
 *       type; the node asks for its packet router part ({@code org.skein.routing.RemotePacketRouter.Part}).</li>
 * </ul>
 * Thread-safe.
 */
public interface ClusterMember {

    /** Who the members are. */
    Membership membership();

    /** Storage of the node's clusterable caches while it is a member. */
    CacheStorage caches();

    /** Cluster tasks to and from the other members. */
    TaskTransport tasks();

    /**
     * A further part of this member, by the type the node asks for; empty if this provider has none.
     * A provider without the packet router part clusters caches, events and tasks, but the node cannot
     * send stanzas to sessions on other nodes.
     */
    default <T> Optional<T> part(Class<T> type) {
        return Optional.empty();
    }

    /**
     * Leaves the cluster: the last step of a clean leave, after the node's caches went local and its
     * listeners ran. Removes what this member published for others (its cache statistics) and shuts
     * the member down; events of this membership stop. Called once, on the lifecycle thread.
     */
    void leave();
}
