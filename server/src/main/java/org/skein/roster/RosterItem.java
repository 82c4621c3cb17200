package org.skein.roster;

import java.io.Serializable;
import java.util.Objects;
import java.util.Set;

/**
 * One contact in a user's roster: the contact's bare JID, a name, groups, the subscription state
 * and the two pending flags of RFC 6121 (a subscription request sent by the user and not answered,
 * shown as {@code ask="subscribe"}; a request received from the contact and not answered, kept so it
 * can be shown again at the next login). Immutable.
 *
 * @param jid the contact's bare JID, as a string
 * @param name the name the user gave the contact, may be empty
 * @param groups the groups the item is in, may be empty
 * @param subscription the subscription state
 * @param pendingOut the user asked to see the contact's presence and has no answer yet
 * @param pendingIn the contact asked to see the user's presence and has no answer yet
 */
public record RosterItem(String jid, String name, Set<String> groups, Subscription subscription,
                         boolean pendingOut, boolean pendingIn) implements Serializable {

    public RosterItem {
        Objects.requireNonNull(jid, "jid");
        name = name == null ? "" : name;
        groups = groups == null ? Set.of() : Set.copyOf(groups);
        Objects.requireNonNull(subscription, "subscription");
    }

    public RosterItem withSubscription(Subscription newSubscription, boolean newPendingOut, boolean newPendingIn) {
        return new RosterItem(jid, name, groups, newSubscription, newPendingOut, newPendingIn);
    }

    public RosterItem withNameAndGroups(String newName, Set<String> newGroups) {
        return new RosterItem(jid, newName, newGroups, subscription, pendingOut, pendingIn);
    }
}
