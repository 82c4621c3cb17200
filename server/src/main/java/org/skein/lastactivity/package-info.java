/**
 * Last activity (XEP-0012, {@code jabber:iq:last}): for an account (an IQ to its bare JID, answered by
 * the server) the seconds since the user's last session ended or sent unavailable presence, with that
 * presence's status, or 0 while a resource is available; only for the user and for contacts who may see
 * the user's presence ({@code from} or {@code both} subscription), others get {@code forbidden}. For the
 * server (no {@code to}, or the domain): the seconds since the node started.
 *
 * <p>Same shape as every extension package: the {@link org.skein.lastactivity.LastActivityHandler}
 * answers; the {@link org.skein.lastactivity.LastActivityManager} records logouts (told by the node
 * when a session ends or goes unavailable) in the {@link org.skein.lastactivity.LastActivityStore}
 * ({@link org.skein.lastactivity.JdbcLastActivityStore}: table {@code skein_last_activity}). No cache:
 * a row is written at every logout and read only by this IQ, so every node reads the database and sees
 * a logout made on any other node.
 */
package org.skein.lastactivity;
