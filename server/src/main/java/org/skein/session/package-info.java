/**
 * Client sessions: the negotiation of a client's stream up to a bound resource
 * ({@link org.skein.session.ClientStream}), the {@link org.skein.session.LocalClientSession} it yields,
 * the {@link org.skein.session.SessionManager} that keeps them (and the clustered {@code sessions.info}
 * cache that lets other nodes read them), and the {@link org.skein.session.RemoteSessionLocator} for
 * sessions on other nodes, which the node installs ({@link org.skein.session.SessionInfoLocator}) while it
 * is in a cluster. A new session's {@link org.skein.session.MessageHold} keeps live chat and normal
 * messages behind the user's offline messages until those are delivered. Stream management (XEP-0198)
 * lives in {@link org.skein.session.SessionResumption}: sessions that wait for their client to resume, and
 * resumption on another node (the clustered {@code sm.resumable} cache finds the holder, which hands the
 * session over in a cluster task and passes on what still reaches it), and after the holder's node died
 * (the {@link org.skein.session.SessionJournal}, a write-behind copy of each resumable session's
 * unacknowledged stanzas in clustered caches).
 */
package org.skein.session;
