/**
 * The node: {@link org.skein.XmppServer} wires one node's services together, {@link org.skein.ServerContext}
 * is how plugins reach them (cluster tasks get only a {@code TaskContext}), {@link org.skein.Main} runs a
 * node from the command line.
 *
 * <p>The node sits on the clustering core of the api module ({@code org.skein.cache},
 * {@code org.skein.cluster}, {@code org.skein.cluster.spi}, {@code org.skein.clustering}), which cannot
 * see it. It plugs XMPP into the core in three places: its services for cluster tasks (the session
 * manager, the admin console's node status), its cluster event listener ({@code XmppClusterListener},
 * sequence 10: routes, sessions and presence across joins, leaves and crashes), and the parts it installs
 * while it is a member ({@code NodeClustering}: the provider's packet router part on the routing table,
 * the session locator on the session manager), given to the cluster manager when the node is built.
 */
package org.skein;
