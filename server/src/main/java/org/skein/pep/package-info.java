/**
 * Personal eventing via pubsub (XEP-0163): every account is a publish-subscribe service on its bare JID,
 * served by the {@link org.skein.pubsub.PubSubEngine} with PEP's rules (the account owns and creates its
 * nodes, publishing creates a node, nodes default to the {@code presence} access model). Notifications
 * go to the account's own resources and to the contacts that see its presence, each filtered by the
 * caps ({@code <node>+notify}) of the resource on the node that holds it; a resource whose interests
 * grow gets the last items at once. OMEMO, avatars (XEP-0084), bookmarks (XEP-0402), mood, tune and
 * location use it.
 *
 * <pre>
 *   publish (any node) ─▶ store ─▶ Notifier: owner + contacts (roster from/both, access model)
 *                                      │ grouped by the node of each session (Fanout, once per node)
 *                                      ▼
 *          node of the session: PepInterests: +notify in its caps? delivered once (per item seq)
 *   caps gain +notify (EntityCapabilities) ─▶ PepInterests: last items of own account and contacts
 * </pre>
 */
package org.skein.pep;
