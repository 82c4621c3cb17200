package org.skein.iq;

import org.skein.xmpp.StanzaErrors;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.PacketError;

/** Builds IQ replies: results and errors of RFC 6120 section 8.3. */
public final class IqErrors {

    private IqErrors() {
    }

    /** A result for a request, from whoever it was addressed to ({@code serverJid} if it had no {@code to}). */
    public static IQ result(IQ request, JID serverJid) {
        IQ reply = IQ.createResultIQ(request);
        if (request.getTo() == null) {
            reply.setFrom(serverJid);
        }
        return reply;
    }

    /** An error reply that carries the request's child element and an explanation for the user. */
    public static IQ error(IQ request, PacketError.Condition condition, String text, JID serverJid) {
        IQ reply = error(request, condition, serverJid);
        StanzaErrors.setError(reply, condition, condition.getDefaultType(), text);
        return reply;
    }

    /** An error reply that carries the request's child element, as RFC 6120 allows. */
    public static IQ error(IQ request, PacketError.Condition condition, JID serverJid) {
        IQ reply = IQ.createResultIQ(request);
        if (request.getTo() == null) {
            reply.setFrom(serverJid);
        }
        if (request.getChildElement() != null) {
            reply.setChildElement(request.getChildElement().createCopy());
        }
        StanzaErrors.setError(reply, condition);
        return reply;
    }

    /** An error reply with a full error (a type, a text or an application condition), carrying the request's child. */
    public static IQ error(IQ request, PacketError error, JID serverJid) {
        IQ reply = error(request, error.getCondition(), serverJid);
        StanzaErrors.setError(reply, error);
        return reply;
    }
}
