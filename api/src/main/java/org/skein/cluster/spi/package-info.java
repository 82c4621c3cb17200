/**
 * The clustering SPI: what a clustering library implements so that a node can join a cluster, split by
 * job. A {@link org.skein.cluster.spi.ClusteringProvider} makes the node a
 * {@link org.skein.cluster.spi.ClusterMember}, whose parts are the
 * {@link org.skein.cluster.spi.Membership} (who is there), the cache storage
 * ({@link org.skein.cache.CacheStorage}), the {@link org.skein.cluster.spi.TaskTransport} and, looked
 * up by type, the node's packet router part. The provider reports facts (a member left, a merge
 * started or ended, the member was lost) to the {@link org.skein.cluster.spi.MembershipEvents} sink
 * it is given; the one join/leave/crash/merge protocol that turns them into cache swaps and cluster
 * events is the node's cluster manager's ({@code org.skein.clustering}).
 *
 * <pre>
 *   provider ──join(context)──▶ member { membership, caches, tasks, part(type) }
 *   library events ──▶ context.events(): memberLeft, mergeStarted, mergeEnded, memberLost
 *                                   │ (queued, never blocks)
 *                                   ▼
 *                  cluster manager's lifecycle thread: swaps, listeners, senior, announcements
 * </pre>
 */
package org.skein.cluster.spi;
