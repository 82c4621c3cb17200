/**
 * Blocking command (XEP-0191, {@code urn:xmpp:blocking}): a user blocks JIDs, and no stanza passes
 * between the user and a blocked JID, whichever nodes their sessions are on.
 *
 * <p>Same shape as every extension package: the {@link org.skein.blocking.BlockingHandler} answers
 * the IQs; the {@link org.skein.blocking.BlockListManager} reads through the clustered, near-cached
 * {@value org.skein.blocking.BlockListManager#CACHE_NAME} cache over the
 * {@link org.skein.blocking.BlockListStore} ({@link org.skein.blocking.JdbcBlockListStore}: table
 * {@code skein_block_item}), sends the pushes, and is the node's
 * {@link org.skein.blocking.BlockingPolicy}.
 *
 * <p>Where the rules apply: on the node that routes a stanza (the sender's), which asks the policy
 * with both users' block lists read from its near cache: {@code MessageRouter} (messages),
 * {@code IqRouter} (IQs to users), {@code PresenceManager} (broadcasts, probes, directed presence,
 * outbound subscriptions) and {@code SubscriptionService} (the contact's side of a subscription).
 * Outbound to a blocked JID: {@code not-acceptable} with {@code <blocked xmlns='urn:xmpp:blocking:errors'/>};
 * inbound from a blocked JID: messages and IQ requests get {@code service-unavailable} (as for an
 * unknown user), presence of every kind is dropped in silence, IQ results and errors are dropped.
 */
package org.skein.blocking;
