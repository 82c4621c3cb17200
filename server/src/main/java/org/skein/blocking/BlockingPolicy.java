package org.skein.blocking;

import org.xmpp.packet.JID;
import org.xmpp.packet.PacketError;

/**
 * What the routing code asks before it hands a stanza from one address to another (XEP-0191): whether
 * the sender, a user of this domain, has blocked the recipient (the stanza is refused with
 * {@link #blockedError()}), or the recipient, a user of this domain, has blocked the sender (the
 * stanza is not delivered: a message or IQ request gets {@code service-unavailable}, anything else is
 * dropped in silence). Stanzas between a user's own resources and stanzas from the server itself are
 * never blocked.
 *
 * <p>Asked on the node that routes the stanza, for every message, presence and IQ between users: an
 * implementation answers from memory (a near-cached block list) and never takes a cluster lock or
 * waits for another node on a cache hit. Thread-safe.
 */
public interface BlockingPolicy {

    /** The XEP-0191 namespace of the blocked error condition. */
    String ERRORS_NAMESPACE = "urn:xmpp:blocking:errors";

    /** What a check found. */
    enum Verdict {
        /** Neither has blocked the other. */
        ALLOWED,
        /** The sender has blocked the recipient: refuse with {@link #blockedError()}. */
        BLOCKED_BY_SENDER,
        /** The recipient has blocked the sender: do not deliver. */
        BLOCKED_BY_RECIPIENT
    }

    /** A policy that blocks nothing (for a node without block lists, and for tests). */
    BlockingPolicy NONE = (from, to) -> Verdict.ALLOWED;

    /**
     * Checks a stanza about to be routed.
     *
     * @param from its sender ({@code null}: the server)
     * @param to its recipient ({@code null}: the server)
     */
    Verdict check(JID from, JID to);

    /** The error for a stanza to a JID its sender blocked: {@code not-acceptable} with {@code <blocked xmlns='urn:xmpp:blocking:errors'/>}. */
    static PacketError blockedError() {
        PacketError error = new PacketError(PacketError.Condition.not_acceptable, PacketError.Type.cancel);
        error.setApplicationCondition("blocked", ERRORS_NAMESPACE);
        return error;
    }
}
