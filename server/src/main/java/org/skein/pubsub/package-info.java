/**
 * Publish-subscribe (XEP-0060): the service at {@code pubsub.<domain>} ({@link org.skein.pubsub.PubSub},
 * a component every node registers) and the engine that also serves every account's PEP service
 * ({@code org.skein.pep}); the topics API of the Vines server for plugins ({@link org.skein.pubsub.PubSubTopics}).
 *
 * <h2>Where the state is</h2>
 * <ul>
 *   <li>The database is the truth: nodes, affiliations, subscriptions and items ({@link org.skein.pubsub.PubSubStore},
 *       migration V4). A write is one transaction under the node's row lock, which bumps the node's
 *       version; a publication's reply goes out after the commit, so an acknowledged item survives any
 *       node's crash. No cluster lock.</li>
 *   <li>Clustered, near-cached copies in front ({@link org.skein.pubsub.NodeDirectory}): {@code pubsub.nodes}
 *       (a node's configuration, affiliations and subscriptions) and {@code pep.services} (an account's PEP
 *       nodes with their newest items). Writers invalidate with a unique token; readers never install a copy
 *       older than a token they did not see. Cleared when a node joins a cluster (after a split brain the
 *       database is what both sides converge to).</li>
 *   <li>Temporary subscriptions ({@code pubsub#expire=presence}) name the node of the subscriber's session:
 *       ended with the session, by the senior member when that node dies, and re-asserted after a merge.</li>
 * </ul>
 *
 * <h2>Notifications</h2>
 * <pre>
 *   publish ─▶ store (commit) ─▶ reply ─▶ Notifier: subscribers (+ for PEP: owner and contacts, implicit)
 *                                              │ full JIDs grouped by the node of their session (routes)
 *                      local sessions ◀────────┤
 *                                              ▼ one envelope per other node, through the remote packet router
 *                              node endpoint &lt;domain&gt;/pubsub-fanout ─▶ Fanout.receive ─▶ each local session
 *                                                                  (PEP: +notify in its caps, once per item)
 * </pre>
 */
package org.skein.pubsub;
