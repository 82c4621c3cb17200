package org.skein.disco;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.dom4j.Element;
import org.skein.iq.IqErrors;
import org.skein.iq.IqHandler;
import org.skein.session.LocalClientSession;
import org.skein.xmpp.Namespaces;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.PacketError;

/**
 * {@code disco#info} (XEP-0030): the server is a {@code server/im} with the features the node
 * serves; a user's bare JID is an {@code account/registered} with the features the server answers for
 * accounts (disco itself, and what extensions add, such as vcard-temp and last activity). Nodes
 * ({@code node} attribute) are not supported ({@code item-not-found}).
 */
public final class DiscoInfoHandler implements IqHandler {

    private final JID serverJid;
    private final String serverName;
    private final Supplier<List<String>> serverFeatures;
    private final Supplier<List<String>> accountFeatures;

    /**
     * @param serverFeatures the features of the server, asked at every request (handlers may come and go)
     */
    public DiscoInfoHandler(JID serverJid, String serverName, Supplier<List<String>> serverFeatures) {
        this(serverJid, serverName, serverFeatures, List::of);
    }

    /**
     * @param serverFeatures the features of the server, asked at every request (handlers may come and go)
     * @param accountFeatures the features of a user's account besides disco#info and disco#items, asked at every request
     */
    public DiscoInfoHandler(JID serverJid, String serverName, Supplier<List<String>> serverFeatures,
                            Supplier<List<String>> accountFeatures) {
        this.serverJid = Objects.requireNonNull(serverJid, "serverJid");
        this.serverName = Objects.requireNonNull(serverName, "serverName");
        this.serverFeatures = Objects.requireNonNull(serverFeatures, "serverFeatures");
        this.accountFeatures = Objects.requireNonNull(accountFeatures, "accountFeatures");
    }

    @Override
    public String namespace() {
        return Namespaces.DISCO_INFO;
    }

    @Override
    public boolean answersForUsers() {
        return true;
    }

    @Override
    public IQ handle(IQ request, LocalClientSession session) {
        if (request.getType() != IQ.Type.get) {
            return IqErrors.error(request, PacketError.Condition.bad_request, serverJid);
        }
        if (request.getChildElement().attributeValue("node") != null) {
            return IqErrors.error(request, PacketError.Condition.item_not_found, serverJid);
        }
        IQ reply = IqErrors.result(request, serverJid);
        Element query = reply.setChildElement("query", Namespaces.DISCO_INFO);
        JID to = request.getTo();
        if (to == null || to.getNode() == null) {
            query.addElement("identity").addAttribute("category", "server").addAttribute("type", "im")
                    .addAttribute("name", serverName);
            for (String feature : serverFeatures.get()) {
                query.addElement("feature").addAttribute("var", feature);
            }
        } else {
            query.addElement("identity").addAttribute("category", "account").addAttribute("type", "registered");
            query.addElement("feature").addAttribute("var", Namespaces.DISCO_INFO);
            query.addElement("feature").addAttribute("var", Namespaces.DISCO_ITEMS);
            for (String feature : accountFeatures.get()) {
                query.addElement("feature").addAttribute("var", feature);
            }
        }
        return reply;
    }
}
