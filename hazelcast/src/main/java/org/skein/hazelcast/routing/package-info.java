/**
 * The remote packet router: stanzas for sessions on other nodes travel as their XML bytes, queued
 * per destination node (one entry for a stanza to many sessions there) and sent in acknowledged batches
 * over a Hazelcast executor, and are handed to the destination node's
 * {@link org.skein.routing.InboundDelivery} in the order they were sent; the node delivers them on its
 * own threads. {@link org.skein.hazelcast.routing.HazelcastPacketRouter}
 * is the one public type; {@link org.skein.hazelcast.routing.RouterSettings} holds its keys.
 */
package org.skein.hazelcast.routing;
