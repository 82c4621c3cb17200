/**
 * Where packets go: the {@link org.skein.routing.RoutingTable} (local sessions plus the clustered
 * route caches {@code routes.users} and {@code routes.sessions}), the {@link org.skein.routing.PacketRouter}
 * that hands each stanza a client sent to the message, presence or IQ logic, and the
 * {@link org.skein.routing.RemotePacketRouter} hook a clustering plugin sets to reach other nodes.
 */
package org.skein.routing;
