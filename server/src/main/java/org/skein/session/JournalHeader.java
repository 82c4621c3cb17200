package org.skein.session;

import java.io.Serializable;
import java.util.Objects;
import org.skein.cluster.NodeID;

/**
 * What the stream management journal ({@link SessionJournal}) keeps of one resumable session besides its
 * unacknowledged stanzas: the value of the clustered {@value SessionJournal#HEADERS_CACHE} cache, keyed by stream
 * management id. Rewritten (coalesced, in the journal's batches) when the session's counters, presence or flags
 * change. Immutable.
 *
 * @param node the node that holds the session
 * @param fullJid the session's full JID
 * @param epoch the prefix of the keys of this holder's journal entries ({@code epoch:seq})
 * @param inbound how many of the client's stanzas the server handled, mod 2^32 (may lag a batch behind)
 * @param acked how many of the server's stanzas the client acknowledged, mod 2^32
 * @param ackedSeq the same count since the journal began (not wrapped): the entries after it are unacknowledged
 * @param resumeTimeoutMillis how long the session waits for its client to resume
 * @param presenceXml the session's presence, empty while unavailable
 * @param rosterRequested whether the client asked for its roster (it then gets roster pushes)
 * @param carbonsEnabled whether the client enabled message carbons
 */
record JournalHeader(NodeID node, String fullJid, String epoch, long inbound, long acked, long ackedSeq, long resumeTimeoutMillis,
                     String presenceXml, boolean rosterRequested, boolean carbonsEnabled) implements Serializable {

    JournalHeader {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(fullJid, "fullJid");
        Objects.requireNonNull(epoch, "epoch");
        Objects.requireNonNull(presenceXml, "presenceXml");
    }

    /** The key of this holder's journal entry number {@code seq}. */
    String entryKey(long seq) {
        return epoch + ":" + seq;
    }
}
