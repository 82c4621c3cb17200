package org.skein.session;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a node hands to another one when a client resumes its session there (XEP-0198 resumption on another
 * node): the session's address, its stream management counters and unacknowledged stanzas (in the order
 * sent), and what the new node needs to go on as the same session (its presence and flags). Plain values
 * only, so it travels as a cluster task's result. Immutable.
 *
 * @param fullJid the session's full JID (kept by the moved session)
 * @param resumeTimeoutMillis how long the session waits for its client when its connection breaks
 * @param inbound how many of the client's stanzas the server handled, mod 2^32
 * @param acked how many of the server's stanzas the client acknowledged, mod 2^32 (its {@code h} at the resume)
 * @param unacked the stanzas the client has not acknowledged, as XML, in the order sent
 * @param presenceXml the session's current presence, empty while it is unavailable
 * @param visible the full JIDs of its domain whose available presence the client saw (see {@link LocalClientSession})
 * @param inactive whether the client had said it is inactive (XEP-0352): the session stays so on the new node (the
 *        presence updates held for it are in {@code unacked}, flushed at the hand-over)
 */
record SessionHandOver(String fullJid, long resumeTimeoutMillis, long inbound, long acked, List<String> unacked, String presenceXml,
                       boolean initialPresenceSent, boolean rosterRequested, boolean offlineMessagesDelivered, boolean carbonsEnabled,
                       List<String> visible, boolean inactive) implements Serializable {

    SessionHandOver {
        Objects.requireNonNull(fullJid, "fullJid");
        unacked = new ArrayList<>(unacked);
        presenceXml = presenceXml == null ? "" : presenceXml;
        visible = new ArrayList<>(visible);
    }

    /**
     * The answer of the node asked to hand a session over.
     *
     * @param handOver the session's state, or {@code null} when it was not handed over
     * @param refusal why not (for the log), or {@code null}
     */
    record Answer(SessionHandOver handOver, String refusal) implements Serializable {

        static Answer refused(String why) {
            return new Answer(null, why);
        }
    }
}
