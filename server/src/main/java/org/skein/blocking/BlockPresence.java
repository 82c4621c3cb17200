package org.skein.blocking;

import java.util.Collection;
import java.util.Objects;
import java.util.Optional;
import org.skein.roster.RosterItem;
import org.skein.roster.RosterManager;
import org.skein.roster.Subscription;
import org.skein.routing.RoutingTable;
import org.skein.session.SessionManager;
import org.xmpp.packet.JID;
import org.xmpp.packet.Presence;

/**
 * The presence that follows a block or an unblock (XEP-0191 sections 3.3 and 3.4), for blocked JIDs
 * of users of this domain (a blocked domain has no presence to tell):
 * <ul>
 *   <li>block: the contact, if it may see the user's presence ({@code from} or {@code both}), gets
 *       unavailable presence from each of the user's available resources; and the user's available
 *       resources get unavailable presence from each of the contact's, if the user could see them
 *       ({@code to} or {@code both}), since no more presence of the contact will reach them;</li>
 *   <li>unblock: the same two ways, with the current presence instead.</li>
 * </ul>
 * A blocked full JID concerns that resource only. The presences are routed straight through the
 * routing table (the block check would now drop them), on any node. Thread-safe.
 */
final class BlockPresence {

    private final String domain;
    private final RoutingTable routingTable;
    private final SessionManager sessions;
    private final RosterManager rosters;

    BlockPresence(String domain, RoutingTable routingTable, SessionManager sessions, RosterManager rosters) {
        this.domain = Objects.requireNonNull(domain, "domain");
        this.routingTable = Objects.requireNonNull(routingTable, "routingTable");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.rosters = Objects.requireNonNull(rosters, "rosters");
    }

    /** The user blocked these JIDs. */
    void blocked(String username, Collection<String> jids) {
        for (String jid : jids) {
            exchange(username, jid, false);
        }
    }

    /** The user unblocked these JIDs. */
    void unblocked(String username, Collection<String> jids) {
        for (String jid : jids) {
            exchange(username, jid, true);
        }
    }

    private void exchange(String username, String blocked, boolean available) {
        JID contact = new JID(blocked);
        if (contact.getNode() == null || !domain.equals(contact.getDomain()) || contact.getNode().equals(username)) {
            return;
        }
        String userBare = username + "@" + domain;
        String contactBare = contact.toBareJID();
        Optional<RosterItem> item = rosters.getItem(username, contactBare);
        Subscription subscription = item.map(RosterItem::subscription).orElse(Subscription.NONE);
        if (subscription == Subscription.FROM || subscription == Subscription.BOTH) {
            for (Presence presence : sessions.availablePresences(userBare)) {
                Presence copy = available ? presence.createCopy() : unavailableFrom(presence.getFrom());
                copy.setTo(contact);
                if (contact.getResource() == null) {
                    routingTable.routeToAvailable(contactBare, copy);
                } else {
                    routingTable.routeToFullJid(contact, copy);
                }
            }
        }
        if (subscription == Subscription.TO || subscription == Subscription.BOTH) {
            for (Presence presence : sessions.availablePresences(contactBare)) {
                if (contact.getResource() != null && !contact.equals(presence.getFrom())) {
                    continue;
                }
                Presence copy = available ? presence.createCopy() : unavailableFrom(presence.getFrom());
                copy.setTo(new JID(userBare));
                routingTable.routeToAvailable(userBare, copy);
            }
        }
    }

    private static Presence unavailableFrom(JID from) {
        Presence unavailable = new Presence(Presence.Type.unavailable);
        unavailable.setFrom(from);
        return unavailable;
    }
}
