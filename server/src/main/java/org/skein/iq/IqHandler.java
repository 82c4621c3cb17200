package org.skein.iq;

import org.skein.session.LocalClientSession;
import org.xmpp.packet.IQ;

/**
 * Answers IQ requests ({@code get} and {@code set}) with one child namespace, addressed to the server
 * (no {@code to}, or the domain) or to a user's bare JID. Handlers run on the requesting connection's
 * processing thread, so they may block on the database; they must be thread-safe (many connections
 * call them at once).
 */
public interface IqHandler {

    /** The namespace of the request's child element that this handler answers. */
    String namespace();

    /**
     * Handles a request.
     *
     * @param request the request, with {@code from} set to the requester's full JID
     * @param session the requesting session
     * @return the reply (a result or an error, addressed to the requester), or {@code null} if the
     *         handler sent the reply itself
     */
    IQ handle(IQ request, LocalClientSession session);

    /** Whether the handler also answers requests to a user's bare JID (otherwise only to the server's). */
    default boolean answersForUsers() {
        return false;
    }
}
