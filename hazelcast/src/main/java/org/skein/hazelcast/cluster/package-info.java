/**
 * The clustered cache strategy and what it is made of: the Hazelcast member's lifecycle and
 * membership turned into cluster events, node identities on members, cluster tasks on a bounded
 * executor, and the published cache statistics.
 */
package org.skein.hazelcast.cluster;
