/**
 * Group chat (XEP-0045 multi-user chat, with XEP-0249 invitations, XEP-0410 self-ping and XEP-0421
 * occupant ids) on one node or across a cluster.
 *
 * <h2>The parts</h2>
 * <ul>
 *   <li>{@link org.skein.muc.MultiUserChat}: the node's group chat, built by the node; its services
 *       ({@code muc.services}, default {@code conference.<domain>}) are
 *       {@linkplain org.skein.component.LocalComponent components}. Plugins use
 *       {@link org.skein.muc.MucService} to create, configure and destroy rooms.</li>
 *   <li>A service's stanzas arrive on the node of the client that sent them. What is addressed to the
 *       service itself (disco, the list of public rooms) is answered there. Anything for a room goes to
 *       the room's <b>home</b>: the one node that runs the room.</li>
 *   <li>A room is a serial actor on its home ({@code Room}, with {@code RoomPresences},
 *       {@code RoomMessages}, {@code RoomAdministration}, {@code RoomQueries}): one task at a time on the
 *       service's pool, so its state needs no lock, and every occupant gets the room's stanzas in the one
 *       order the room produced them.</li>
 *   <li>What a room must keep lives in its record ({@code RoomRecord}: configuration, affiliations,
 *       subject): in the clustered cache {@code muc.rooms} while the room exists, and in the database
 *       (V5: {@code skein_muc_room}, {@code skein_muc_affiliation}) for a persistent room, which is the
 *       source of truth and is loaded on demand when the room is next used.</li>
 * </ul>
 *
 * <pre>
 *  node 1 (alice, a2)                node 2 = home (b)                        node 3 (c, d, e)
 *  alice ─▶ MucComponent ─[to home]─▶ room actor: checks, stanza id, history
 *                                      │ output grouped by node
 *     ◀──[one unit: stanza + to=alice,a2]──┤── b (local)
 *                                      └──[one unit: stanza + to=c,d,e]──────▶ delivered to c, d, e
 * </pre>
 *
 * <h2>In a cluster</h2>
 * <ul>
 *   <li><b>Homes</b> ({@code Homes}): the clustered cache {@code muc.homes} (room → node), read from its
 *       near cache per stanza; a room without a home gets the winner of rendezvous hashing over the
 *       members ({@code putIfAbsent}), so rooms spread over the nodes and a node that joins gets its share
 *       of new rooms without anything moving. No cluster lock, and no cache write per stanza.</li>
 *   <li><b>Fan-out</b> ({@code Fanout}, {@code NodeLink}): what a room sends to the sessions of another
 *       node crosses once, as one unit with every recipient there and the room's changes, whatever the
 *       number of occupants on that node.</li>
 *   <li><b>Replicas</b>: each node that holds occupants of a room keeps a copy of the room's occupants,
 *       subject, history and record, kept current by those units. A node is the authority on its own
 *       sessions.</li>
 *   <li><b>A node dies</b>: the homes remove its occupants, and every remaining occupant gets one
 *       unavailable presence (status 333) for each. When the home itself dies, the rendezvous winner among
 *       the survivors takes the room over (a compare-and-set on {@code muc.homes}), collects every node's
 *       view of the room and rebuilds it: survivors stay in the room without rejoining.</li>
 *   <li><b>Split brain</b>: each side goes on with its own home. After the merge one home wins; the nodes
 *       of the other side re-assert their occupants to it, and nickname clashes are resolved in favour of
 *       the earlier join.</li>
 * </ul>
 */
package org.skein.muc;
