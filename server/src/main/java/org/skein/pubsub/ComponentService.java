package org.skein.pubsub;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.xmpp.packet.JID;

/**
 * The publish-subscribe service at {@code pubsub.<domain>}: any user of the domain (and the server's
 * plugins) may create nodes, instant nodes included; nodes are not created by publishing; the
 * {@code presence} and {@code roster} access models read the rosters of a node's owners.
 */
final class ComponentService extends PubSubService {

    static final List<String> FEATURES = List.of("access-open", "access-presence", "access-roster", "access-whitelist",
            "config-node", "config-node-max", "create-and-configure", "create-nodes", "delete-items", "delete-nodes",
            "instant-nodes", "item-ids", "last-published", "manage-subscriptions", "member-affiliation", "meta-data",
            "modify-affiliations", "outcast-affiliation", "persistent-items", "publish", "publish-options",
            "publisher-affiliation", "purge-nodes", "retract-items", "retrieve-affiliations", "retrieve-default",
            "retrieve-items", "retrieve-subscriptions", "rsm", "subscribe", "subscription-options");

    private final String userDomain;

    ComponentService(String domain, String userDomain) {
        super(domain, new JID(null, domain, null, true));
        this.userDomain = userDomain;
    }

    @Override
    public boolean isPep() {
        return false;
    }

    @Override
    public NodeConfig defaults() {
        return NodeConfig.SERVICE_DEFAULTS;
    }

    /** Users of the domain, and the service itself (the server's plugins act as it). */
    @Override
    public boolean mayCreate(JID requester) {
        return requester != null && (address().equals(requester.asBareJID())
                || (requester.getNode() != null && userDomain.equals(requester.getDomain())));
    }

    /** The service itself owns every node (what plugins do through {@link PubSubTopics} acts as the service). */
    @Override
    public Affiliation affiliation(NodeState node, String bareJid) {
        return id().equals(bareJid) ? Affiliation.OWNER : super.affiliation(node, bareJid);
    }

    @Override
    public boolean autoCreates() {
        return false;
    }

    @Override
    public boolean instantNodes() {
        return true;
    }

    @Override
    public Set<String> rosterOwners(NodeState node) {
        return node.affiliations().entrySet().stream().filter(e -> e.getValue() == Affiliation.OWNER)
                .map(Map.Entry::getKey).collect(Collectors.toSet());
    }

    @Override
    public List<String> features() {
        return FEATURES;
    }
}
