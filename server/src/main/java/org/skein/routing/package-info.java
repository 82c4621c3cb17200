/**
 * Where packets go: the {@link org.skein.routing.RoutingTable} (local sessions plus the clustered
 * route caches {@code routes.users} and {@code routes.sessions}), the {@link org.skein.routing.PacketRouter}
 * that hands each stanza a client sent to the message, presence or IQ logic, and the
 * {@link org.skein.routing.RemotePacketRouter} that reaches other nodes: a clustering provider's member
 * offers it as its packet router part, and the node starts it and sets it here while it is a member.
 */
package org.skein.routing;
