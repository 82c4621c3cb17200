/**
 * Presence (RFC 6121 sections 4 and 5): initial presence with probes of the user's contacts,
 * broadcasts to subscribers and the user's own resources, directed presence (remembered in the
 * clustered {@code presence.directed} cache so unavailable presence reaches the same recipients),
 * unavailable presence at logout, and the hand-off of subscription stanzas to the roster logic.
 * Broadcasts, probes, directed presence and outbound subscriptions leave out or refuse what the
 * {@link org.skein.blocking.BlockingPolicy} blocks (XEP-0191).
 */
package org.skein.presence;
