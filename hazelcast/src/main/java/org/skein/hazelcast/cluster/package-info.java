/**
 * The Hazelcast clustering provider, split by job: {@link org.skein.hazelcast.cluster.HazelcastProvider}
 * makes members, {@code MemberStarter} starts one (the node's settings, attributes and task context,
 * bounded retries, the duplicate node id check), {@code HazelcastMember} hands its parts to the node
 * (the members, cache storage, the task transport and the packet router part), {@code MemberEvents}
 * turns Hazelcast's membership and lifecycle events into facts for the node's cluster manager, and
 * {@code ClusterTasks}/{@code TaskEnvelope} carry cluster tasks on the plugin's bounded executor. The
 * join/leave/crash/merge protocol itself is the node's, not this package's.
 */
package org.skein.hazelcast.cluster;
