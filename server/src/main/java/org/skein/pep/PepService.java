package org.skein.pep;

import java.util.List;
import java.util.Set;
import org.skein.pubsub.Affiliation;
import org.skein.pubsub.NodeConfig;
import org.skein.pubsub.NodeState;
import org.skein.pubsub.PubSubService;
import org.xmpp.packet.JID;

/**
 * One account's PEP service (XEP-0163) on its bare JID: only the account creates nodes and publishes,
 * and owns every node; a publication to a node that does not exist creates it; nodes default to the
 * {@code presence} access model with the last item kept ({@link NodeConfig#PEP_DEFAULTS}).
 */
final class PepService extends PubSubService {

    private final String username;

    PepService(JID owner) {
        super(owner.toBareJID(), owner.asBareJID());
        this.username = owner.getNode();
    }

    @Override
    public boolean isPep() {
        return true;
    }

    @Override
    public String ownerUsername() {
        return username;
    }

    @Override
    public NodeConfig defaults() {
        return NodeConfig.PEP_DEFAULTS;
    }

    @Override
    public boolean mayCreate(JID requester) {
        return requester != null && id().equals(requester.toBareJID());
    }

    @Override
    public boolean autoCreates() {
        return true;
    }

    @Override
    public boolean instantNodes() {
        return false;
    }

    @Override
    public Set<String> rosterOwners(NodeState node) {
        return Set.of(id());
    }

    @Override
    public Affiliation affiliation(NodeState node, String bareJid) {
        return id().equals(bareJid) ? Affiliation.OWNER : super.affiliation(node, bareJid);
    }

    @Override
    public List<String> features() {
        return org.skein.pubsub.PubSub.PEP_FEATURES;
    }
}
