/**
 * The message archive (XEP-0313, {@code urn:xmpp:mam:2}) of every account.
 *
 * <p><b>Where a message is written.</b> Once, by the node that routes it, at the moment the server
 * accepts it for a local account ({@link org.skein.message.MessageRouter#route}): a row in the
 * recipient's archive and one in the sender's (when the sender is a local account too), handed to the
 * node's {@code ArchiveWriter} before the message is handed to any session, another node or
 * offline storage. The copy that is delivered carries {@code <stanza-id by='recipient@domain' id=.../>}
 * (XEP-0359). What is routed
 * again later (a node that could not deliver it after all, {@link org.skein.message.MessageRouter#reroute}),
 * offline messages delivered at login, carbons and stream-management resends never come through that
 * point, so they add no row.
 *
 * <p><b>Ids.</b> {@link org.skein.stanzaid.StanzaIdGenerator}: time-ordered, unique across nodes without
 * coordination; they are the archive's paging key (RSM {@code after}/{@code before}) and time bounds
 * ({@code start}/{@code end}) are ranges of ids.
 *
 * <p><b>Group commit.</b> The writer is one thread of the node that commits what has queued up meanwhile in
 * one transaction (up to {@code mam.writer.batch} messages), so the message path never waits for a commit
 * of its own; its queue is bounded ({@code mam.writer.queue}): when it is full the sender waits up to
 * {@code mam.writer.fullWait} for room, then writes its message itself, synchronously. A failing
 * database is retried with growing pauses and nothing queued is dropped; a row the database rejects
 * (an account removed meanwhile) is logged and left out; a stopping node writes what is queued before
 * its database closes (and logs what it could not write if the database keeps failing past
 * {@code mam.writer.closeTimeout}). See {@code ArchiveWriter}.
 *
 * <p><b>Queries answered from any node, complete and stable.</b> Ids are issued before their row is
 * committed, so a row with a smaller id may still be on its way when a query reads; a client paging with
 * {@code after} could then step over it. Before reading, a query <em>settles</em> the archive
 * ({@link org.skein.mam.MessageArchive#settle}): a cluster task asks every node to raise its id floor to
 * a bound and to wait until its writer has committed every row below it (usually a commit or two: the writer
 * keeps up with the messages unless the database is slower than they come or fails), and the query
 * reads only ids up to that bound. Every message the recipient already has is below the bound; every
 * row below it is committed. One or two cluster round trips per query, none per message.
 */
package org.skein.mam;
