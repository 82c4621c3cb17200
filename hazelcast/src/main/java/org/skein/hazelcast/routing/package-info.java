/**
 * The remote packet router: stanzas for sessions on other nodes travel as their XML bytes, queued
 * per destination node (one entry for a stanza to many sessions there) and sent in acknowledged batches
 * over a {@code BatchTransport}: a Hazelcast executor, or the plugin's own direct node-to-node stream
 * ({@link org.skein.hazelcast.routing.DirectStream}: Netty, TLS 1.3, authenticated with the cluster secret;
 * {@link org.skein.hazelcast.routing.StanzaTransportSettings} picks it). Both share the batching, order,
 * acknowledgement, late-batch and hand-back logic above the transport. The stanzas are handed to the destination node's
 * {@link org.skein.routing.InboundDelivery} in the order they were sent; the node delivers them on its
 * own threads. {@link org.skein.hazelcast.routing.HazelcastPacketRouter}
 * is the main public type; {@link org.skein.hazelcast.routing.RouterSettings} holds its keys.
 */
package org.skein.hazelcast.routing;
