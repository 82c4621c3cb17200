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
 * serves; a user's bare JID is an {@code account/registered}, with what {@link AccountDiscoProvider}s add
 * (PEP's identity, features and nodes). Nodes ({@code node} attribute) of the server are not supported
 * ({@code item-not-found}); nodes of an account are answered by the providers.
 */
public final class DiscoInfoHandler implements IqHandler {

    private final JID serverJid;
    private final String serverName;
    private final Supplier<List<String>> serverFeatures;
    private final List<AccountDiscoProvider> accountProviders = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * @param serverFeatures the features of the server, asked at every request (handlers may come and go)
     */
    public DiscoInfoHandler(JID serverJid, String serverName, Supplier<List<String>> serverFeatures) {
        this.serverJid = Objects.requireNonNull(serverJid, "serverJid");
        this.serverName = Objects.requireNonNull(serverName, "serverName");
        this.serverFeatures = Objects.requireNonNull(serverFeatures, "serverFeatures");
    }

    /** Adds what an extension says about accounts (identities, features, nodes). */
    public void addAccountProvider(AccountDiscoProvider provider) {
        accountProviders.add(Objects.requireNonNull(provider, "provider"));
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
        String node = request.getChildElement().attributeValue("node");
        JID to = request.getTo();
        if (node != null) {
            if (to != null && to.getNode() != null) {
                IQ reply = IqErrors.result(request, serverJid);
                Element query = reply.setChildElement("query", Namespaces.DISCO_INFO).addAttribute("node", node);
                for (AccountDiscoProvider provider : accountProviders) {
                    if (provider.addNodeInfo(query, to.asBareJID(), node, request.getFrom())) {
                        return reply;
                    }
                }
            }
            return IqErrors.error(request, PacketError.Condition.item_not_found, serverJid);
        }
        IQ reply = IqErrors.result(request, serverJid);
        Element query = reply.setChildElement("query", Namespaces.DISCO_INFO);
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
            for (AccountDiscoProvider provider : accountProviders) {
                provider.addAccountInfo(query, to.asBareJID(), request.getFrom());
            }
        }
        return reply;
    }
}
