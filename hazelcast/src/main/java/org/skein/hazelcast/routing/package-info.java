/**
 * The remote packet router: stanzas for sessions on other nodes travel as their XML bytes, queued
 * per destination node and sent in acknowledged batches over a Hazelcast executor, and are delivered
 * on the destination in the order they were sent. {@link org.skein.hazelcast.routing.HazelcastPacketRouter}
 * is the one public type; {@link org.skein.hazelcast.routing.RouterSettings} holds its keys.
 */
package org.skein.hazelcast.routing;
