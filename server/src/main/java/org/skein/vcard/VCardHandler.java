package org.skein.vcard;

import java.util.Objects;
import java.util.Optional;
import org.dom4j.DocumentHelper;
import org.dom4j.Element;
import org.dom4j.QName;
import org.skein.iq.IqErrors;
import org.skein.iq.IqHandler;
import org.skein.session.LocalClientSession;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.PacketError;

/**
 * {@code vcard-temp} (XEP-0054):
 * <ul>
 *   <li>get with no {@code to} or to the user's own bare JID: the user's vCard, or an empty
 *       {@code <vCard/>} if there is none;</li>
 *   <li>get to another user's bare JID: that user's vCard, answered by the server; a user without a
 *       vCard gets the same {@code service-unavailable} as a user that does not exist (the router
 *       answers those), so that nobody learns which accounts exist;</li>
 *   <li>set with no {@code to} or to the user's own bare JID: replaces the vCard (an empty one
 *       removes it); larger than {@code vcard.maxSize}: {@code not-acceptable} with a text naming the
 *       limit; a set for anyone else: {@code forbidden};</li>
 *   <li>the server itself has no vCard: {@code service-unavailable}.</li>
 * </ul>
 */
public final class VCardHandler implements IqHandler {

    /** The namespace and the feature. */
    public static final String NAMESPACE = "vcard-temp";

    private final JID serverJid;
    private final VCardManager vcards;

    public VCardHandler(JID serverJid, VCardManager vcards) {
        this.serverJid = Objects.requireNonNull(serverJid, "serverJid");
        this.vcards = Objects.requireNonNull(vcards, "vcards");
    }

    @Override
    public String namespace() {
        return NAMESPACE;
    }

    @Override
    public boolean answersForUsers() {
        return true;
    }

    @Override
    public IQ handle(IQ request, LocalClientSession session) {
        if (!"vCard".equals(request.getChildElement().getName())) {
            return IqErrors.error(request, PacketError.Condition.bad_request, serverJid);
        }
        JID to = request.getTo();
        boolean own = to == null || to.toBareJID().equals(session.address().toBareJID());
        if (request.getType() == IQ.Type.set) {
            return own ? set(request, session) : IqErrors.error(request, PacketError.Condition.forbidden, serverJid);
        }
        if (to != null && to.getNode() == null) {
            return IqErrors.error(request, PacketError.Condition.service_unavailable, serverJid);
        }
        Optional<Element> vcard = vcards.get(own ? session.username() : to.getNode());
        if (vcard.isEmpty() && !own) {
            return IqErrors.error(request, PacketError.Condition.service_unavailable, serverJid);
        }
        IQ reply = IqErrors.result(request, serverJid);
        reply.setChildElement(vcard.orElseGet(VCardHandler::emptyVCard));
        return reply;
    }

    private IQ set(IQ request, LocalClientSession session) {
        try {
            vcards.set(session.username(), request.getChildElement());
            return IqErrors.result(request, serverJid);
        } catch (VCardManager.TooLargeException e) {
            // the error does not echo the large vCard back
            IQ reply = IqErrors.result(request, serverJid);
            reply.setChildElement(emptyVCard());
            reply.setError(new PacketError(PacketError.Condition.not_acceptable, PacketError.Type.modify, e.getMessage()));
            return reply;
        }
    }

    private static Element emptyVCard() {
        return DocumentHelper.createElement(QName.get("vCard", NAMESPACE));
    }
}
