/**
 * Message carbons (XEP-0280): a session that enables them gets a copy of every chat its user's other
 * sessions send or receive, on whatever node those sessions are. The flag lives in the session's route
 * ({@link org.skein.routing.ClientRoute#carbons()}), written by the session's node only; the node that
 * routes a message reads the user's routes (near-cached, no lock, no round trip) and makes the copy
 * once: the sessions on this node get it at once, and those on each other node in one crossing
 * ({@link org.skein.routing.RoutingTable#routeToFullJids}), each addressed to its full JID.
 */
package org.skein.carbons;
