package org.skein.presence;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.skein.roster.Roster;
import org.skein.roster.RosterItem;
import org.skein.roster.RosterManager;
import org.skein.roster.Subscription;
import org.skein.routing.RoutingTable;
import org.skein.session.LocalClientSession;
import org.skein.session.RemoteSessions;
import org.skein.session.SessionInfo;
import org.skein.xmpp.stream.StanzaParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.JID;
import org.xmpp.packet.Presence;

/**
 * Presence when nodes come and go. Called by the node's cluster event listener on the cluster event
 * thread; reads only this node's sessions, the node's copy of the other nodes' sessions
 * ({@link RemoteSessions}) and rosters: no round trip to another node per contact.
 *
 * <ul>
 *   <li>{@link #joinedCluster}: this node's available sessions and the other nodes' available
 *       sessions meet: each local session's presence goes to the remote resources of its contacts
 *       with a {@code from}/{@code both} subscription (and of its own user), and each local session
 *       gets the current presence of the remote resources of its contacts with a {@code to}/{@code
 *       both} subscription (and of its own user). The nodes already in the cluster do nothing, so
 *       nobody gets a flood twice.</li>
 *   <li>{@link #leftCluster}: this node is alone; every local session gets unavailable presence from
 *       each resource it saw available that is not on this node.</li>
 *   <li>{@link #nodeLost}: another node left or crashed; every local session gets unavailable presence
 *       from each of that node's resources it saw available, once, and directed-presence records
 *       forget them.</li>
 * </ul>
 * Sessions track what they saw ({@link LocalClientSession#visiblePresences()}), so the unavailable
 * presences go exactly to the sessions that had the resource's presence: subscribed contacts, the
 * user's other resources, and the recipients of directed presence.
 */
public final class ClusterPresence {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterPresence.class);

    private final RoutingTable routingTable;
    private final RosterManager rosters;
    private final PresenceManager presences;

    public ClusterPresence(RoutingTable routingTable, RosterManager rosters, PresenceManager presences) {
        this.routingTable = Objects.requireNonNull(routingTable, "routingTable");
        this.rosters = Objects.requireNonNull(rosters, "rosters");
        this.presences = Objects.requireNonNull(presences, "presences");
    }

    /** This node joined a cluster: exchanges presence between its available sessions and the other nodes' (see the class comment). */
    public void joinedCluster(RemoteSessions remote) {
        Map<String, List<Map.Entry<String, SessionInfo>>> remoteByUser = remote.availableByUser();
        if (remoteByUser.isEmpty()) {
            return;
        }
        Map<String, Roster> rosterCache = new HashMap<>();
        int sent = 0;
        int received = 0;
        for (LocalClientSession session : routingTable.localSessions()) {
            if (!session.isAvailable() || session.isClosed()) {
                continue;
            }
            String own = session.address().toBareJID();
            sent += tell(session, own, remoteByUser.get(own));
            received += show(session, remoteByUser.get(own));
            Roster roster;
            try {
                roster = rosterCache.computeIfAbsent(session.username(), rosters::getRoster);
            } catch (RuntimeException e) {
                LOG.warn("Could not read the roster of {} to exchange presence with the cluster", own, e);
                continue;
            }
            for (RosterItem item : roster.items()) {
                List<Map.Entry<String, SessionInfo>> contact = remoteByUser.get(item.jid());
                if (contact == null || item.jid().equals(own)) {
                    continue;
                }
                if (item.subscription() == Subscription.FROM || item.subscription() == Subscription.BOTH) {
                    sent += tell(session, item.jid(), contact);
                }
                if (item.subscription() == Subscription.TO || item.subscription() == Subscription.BOTH) {
                    received += show(session, contact);
                }
            }
        }
        LOG.info("Joined the cluster: sent {} presences to other nodes' sessions and showed {} of theirs to local sessions",
                sent, received);
    }

    /** Sends the local session's presence to the remote resources of one contact. */
    private int tell(LocalClientSession session, String contactBare, List<Map.Entry<String, SessionInfo>> contact) {
        if (contact == null) {
            return 0;
        }
        int count = 0;
        for (Map.Entry<String, SessionInfo> resource : contact) {
            Presence copy = session.presence().createCopy();
            copy.setFrom(session.address());
            copy.setTo(new JID(contactBare, true));
            if (routingTable.routeToFullJid(new JID(resource.getKey(), true), copy)) {
                count++;
            }
        }
        return count;
    }

    /** Delivers the presence of a contact's remote resources to the local session. */
    private static int show(LocalClientSession session, List<Map.Entry<String, SessionInfo>> contact) {
        if (contact == null) {
            return 0;
        }
        int count = 0;
        for (Map.Entry<String, SessionInfo> resource : contact) {
            try {
                Presence presence = (Presence) StanzaParser.parsePacket(resource.getValue().presenceXml());
                presence.setFrom(new JID(resource.getKey(), true));
                presence.setTo(session.address());
                session.deliver(presence);
                count++;
            } catch (RuntimeException e) {
                LOG.debug("Unreadable presence of {} in the session info", resource.getKey(), e);
            }
        }
        return count;
    }

    /** This node left the cluster: local sessions learn that every resource they saw on other nodes is gone. */
    public void leftCluster() {
        int told = 0;
        for (LocalClientSession session : routingTable.localSessions()) {
            for (String seen : session.visiblePresences()) {
                if (routingTable.localSession(new JID(seen, true)) == null && session.presenceGone(seen)) {
                    told++;
                }
            }
        }
        int forgotten = presences.forgetDirectedRecipients(recipient -> isFullJid(recipient)
                && routingTable.localSession(new JID(recipient, true)) == null);
        LOG.info("Left the cluster: told local sessions of {} resources gone; forgot {} directed-presence recipients",
                told, forgotten);
    }

    /**
     * Another node left or crashed, with these sessions (full JIDs): local sessions that saw them
     * available get unavailable presence from each, once; directed-presence records forget them.
     *
     * @return how many unavailable presences were delivered
     */
    public int nodeLost(Set<String> lost) {
        if (lost.isEmpty()) {
            return 0;
        }
        int told = 0;
        for (LocalClientSession session : routingTable.localSessions()) {
            for (String seen : session.visiblePresences()) {
                if (lost.contains(seen) && session.presenceGone(seen)) {
                    told++;
                }
            }
        }
        presences.forgetDirectedRecipients(lost::contains);
        return told;
    }

    private static boolean isFullJid(String jid) {
        return jid.indexOf('/') > 0;
    }
}
