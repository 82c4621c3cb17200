package org.skein.pubsub;

import java.util.Objects;
import java.util.Optional;
import org.skein.roster.RosterItem;
import org.skein.roster.RosterManager;
import org.skein.roster.Subscription;
import org.xmpp.packet.JID;

/**
 * The access models of XEP-0060 section 4.5: who may subscribe to a node, retrieve its items and get
 * its notifications. Owners, publishers and members always may, outcasts never; otherwise the node's
 * model decides, with the rosters of the service's owners for {@code presence} and {@code roster}
 * (read through the near-cached roster cache). Thread-safe.
 */
public final class AccessControl implements Notifier.Access {

    private final RosterManager rosters;
    private final String domain;

    public AccessControl(RosterManager rosters, String domain) {
        this.rosters = Objects.requireNonNull(rosters, "rosters");
        this.domain = Objects.requireNonNull(domain, "domain");
    }

    @Override
    public boolean mayAccess(PubSubService service, NodeState node, NodeConfig config, String requesterBare) {
        Affiliation affiliation = service.affiliation(node, requesterBare);
        if (affiliation == Affiliation.OUTCAST) {
            return false;
        }
        if (affiliation.isMemberOrAbove()) {
            return true;
        }
        switch (config.accessModel()) {
            case OPEN:
                return true;
            case PRESENCE:
                for (String owner : service.rosterOwners(node)) {
                    Optional<RosterItem> item = item(owner, requesterBare);
                    if (item.isPresent() && (item.get().subscription() == Subscription.FROM
                            || item.get().subscription() == Subscription.BOTH)) {
                        return true;
                    }
                }
                return false;
            case ROSTER:
                for (String owner : service.rosterOwners(node)) {
                    Optional<RosterItem> item = item(owner, requesterBare);
                    if (item.isPresent() && item.get().groups().stream().anyMatch(config.rosterGroupsAllowed()::contains)) {
                        return true;
                    }
                }
                return false;
            default:
                return false;
        }
    }

    private Optional<RosterItem> item(String ownerBare, String contactBare) {
        JID owner;
        try {
            owner = new JID(ownerBare);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (owner.getNode() == null || !domain.equals(owner.getDomain())) {
            return Optional.empty();
        }
        return rosters.getItem(owner.getNode(), contactBare);
    }
}
