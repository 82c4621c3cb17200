package org.skein.disco;

import java.util.Objects;
import org.dom4j.Element;
import org.skein.component.ComponentRegistry;
import org.skein.component.LocalComponent;
import org.skein.iq.IqErrors;
import org.skein.iq.IqHandler;
import org.skein.session.LocalClientSession;
import org.skein.xmpp.Namespaces;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.PacketError;

/**
 * {@code disco#items} (XEP-0030): the server lists its {@linkplain ComponentRegistry components}
 * (group chat, publish-subscribe, ...); an account lists what {@link AccountDiscoProvider}s add (PEP nodes).
 */
public final class DiscoItemsHandler implements IqHandler {

    private final JID serverJid;
    private final ComponentRegistry components;
    private final java.util.List<AccountDiscoProvider> accountProviders = new java.util.concurrent.CopyOnWriteArrayList<>();

    public DiscoItemsHandler(JID serverJid, ComponentRegistry components) {
        this.serverJid = Objects.requireNonNull(serverJid, "serverJid");
        this.components = Objects.requireNonNull(components, "components");
    }

    /** Adds what an extension lists as an account's items (PEP nodes). */
    public void addAccountProvider(AccountDiscoProvider provider) {
        accountProviders.add(Objects.requireNonNull(provider, "provider"));
    }

    @Override
    public String namespace() {
        return Namespaces.DISCO_ITEMS;
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
        Element query = reply.setChildElement("query", Namespaces.DISCO_ITEMS);
        JID to = request.getTo();
        if (to == null || to.getNode() == null) {
            for (LocalComponent component : components.all()) {
                query.addElement("item").addAttribute("jid", component.domain()).addAttribute("name", component.name());
            }
        } else {
            for (AccountDiscoProvider provider : accountProviders) {
                provider.addAccountItems(query, to.asBareJID(), request.getFrom());
            }
        }
        return reply;
    }
}
