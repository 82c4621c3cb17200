package org.skein.pep;

import java.util.Map;
import java.util.Objects;
import org.dom4j.Element;
import org.skein.disco.AccountDiscoProvider;
import org.skein.pubsub.AccessControl;
import org.skein.pubsub.NodeDirectory;
import org.skein.pubsub.NodeState;
import org.skein.pubsub.PubSubDisco;
import org.xmpp.packet.JID;

/**
 * What {@code disco} says about PEP on an account: the {@code pubsub/pep} identity and the PEP
 * features (XEP-0163 section 5, which clients check before they use OMEMO, avatars or bookmarks), the
 * nodes the requester may see, and each such node's meta-data.
 */
final class PepDisco implements AccountDiscoProvider {

    private final NodeDirectory directory;
    private final AccessControl access;
    private final int maxItemsLimit;

    PepDisco(NodeDirectory directory, AccessControl access, int maxItemsLimit) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.access = Objects.requireNonNull(access, "access");
        this.maxItemsLimit = maxItemsLimit;
    }

    @Override
    public void addAccountInfo(Element query, JID account, JID requester) {
        query.addElement("identity").addAttribute("category", "pubsub").addAttribute("type", "pep");
        PubSubDisco.addFeatures(query, new PepService(account));
    }

    @Override
    public boolean addNodeInfo(Element query, JID account, String node, JID requester) {
        PepService service = new PepService(account);
        NodeState state = directory.pepState(account.toBareJID(), false).nodes().get(node);
        if (state == null || !access.mayAccess(service, state, state.config(), requester.toBareJID())) {
            return false;
        }
        PubSubDisco.addNodeInfo(query, state, maxItemsLimit);
        return true;
    }

    @Override
    public void addAccountItems(Element query, JID account, JID requester) {
        PepService service = new PepService(account);
        for (Map.Entry<String, NodeState> node : directory.pepState(account.toBareJID(), false).nodes().entrySet()) {
            if (access.mayAccess(service, node.getValue(), node.getValue().config(), requester.toBareJID())) {
                query.addElement("item").addAttribute("jid", account.toBareJID()).addAttribute("node", node.getKey());
            }
        }
    }
}
