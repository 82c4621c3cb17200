package org.skein.roster;

import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.skein.blocking.BlockingPolicy;
import org.skein.routing.RoutingTable;
import org.skein.session.LocalClientSession;
import org.skein.session.SessionManager;
import org.skein.user.UserManager;
import org.skein.xmpp.StanzaErrors;
import org.xmpp.packet.JID;
import org.xmpp.packet.PacketError;
import org.xmpp.packet.Presence;

/**
 * Presence subscriptions (RFC 6121 section 3 and appendix A): the state changes of both rosters when
 * a user sends {@code subscribe}, {@code subscribed}, {@code unsubscribe} or {@code unsubscribed},
 * the pending flags, roster pushes, the presences that follow an approval or a cancellation, and the
 * redelivery of pending requests at login. Only contacts of this server's domain are reached (there
 * is no server-to-server link yet); subscription stanzas for other domains are dropped.
 *
 * <p>Blocking (XEP-0191): the contact's side of a subscription stanza from a JID the contact blocked is
 * dropped in silence (the sender's side proceeds, so the sender cannot tell); the presences that follow
 * an approval skip blocked contacts; pending requests from blocked JIDs are not redelivered. (Stanzas to
 * a JID the sender blocked are refused before they get here.)
 *
 * <p>Blocks on the roster store: call it from processing threads. Thread-safe.
 */
public final class SubscriptionService {

    private final String domain;
    private final RosterManager rosters;
    private final RosterPusher pusher;
    private final RoutingTable routingTable;
    private final SessionManager sessions;
    private final UserManager users;
    private final BlockingPolicy blocking;

    public SubscriptionService(String domain, RosterManager rosters, RosterPusher pusher, RoutingTable routingTable,
                               SessionManager sessions, UserManager users, BlockingPolicy blocking) {
        this.domain = Objects.requireNonNull(domain, "domain");
        this.rosters = Objects.requireNonNull(rosters, "rosters");
        this.pusher = Objects.requireNonNull(pusher, "pusher");
        this.routingTable = Objects.requireNonNull(routingTable, "routingTable");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.users = Objects.requireNonNull(users, "users");
        this.blocking = Objects.requireNonNull(blocking, "blocking");
    }

    /** Whether a presence type is one of the four subscription types. */
    public static boolean isSubscription(Presence.Type type) {
        return type == Presence.Type.subscribe || type == Presence.Type.subscribed
                || type == Presence.Type.unsubscribe || type == Presence.Type.unsubscribed;
    }

    /** A subscription stanza a local user sent (its {@code to} must be set). */
    public void outbound(Presence presence, LocalClientSession sender) {
        String user = sender.username();
        JID userBare = sender.address().asBareJID();
        String contact = presence.getTo().toBareJID();
        Presence routed = presence.createCopy();
        routed.setFrom(userBare);
        routed.setTo(new JID(contact, true));
        switch (presence.getType()) {
            case subscribe: {
                try {
                    rosters.update(user, contact, item -> {
                        if (item == null) {
                            return new RosterItem(contact, "", Set.of(), Subscription.NONE, true, false);
                        }
                        if (item.subscription() == Subscription.TO || item.subscription() == Subscription.BOTH) {
                            return item;
                        }
                        return item.withSubscription(item.subscription(), true, item.pendingIn());
                    }, pushTo(userBare.toString(), contact));
                } catch (RosterFullException e) {
                    Presence error = presence.createCopy();
                    error.setFrom(new JID(contact, true));
                    error.setTo(sender.address());
                    StanzaErrors.setError(error, PacketError.Condition.not_allowed, PacketError.Type.cancel,
                            "your roster holds its maximum of " + e.maxItems() + " items; remove one first");
                    sender.deliver(error);
                    return;
                }
                inbound(routed);
                return;
            }
            case subscribed: {
                RosterManager.Change change = rosters.update(user, contact, item -> {
                    if (item == null || !item.pendingIn()) {
                        return item; // nothing to approve; pre-approval is not supported
                    }
                    Subscription next = item.subscription() == Subscription.TO ? Subscription.BOTH
                            : item.subscription() == Subscription.NONE ? Subscription.FROM : item.subscription();
                    return item.withSubscription(next, item.pendingOut(), false);
                }, pushTo(userBare.toString(), contact));
                if (change.changed()) {
                    inbound(routed);
                    sendPresences(userBare.toString(), contact);
                }
                return;
            }
            case unsubscribe: {
                rosters.update(user, contact, item -> {
                    if (item == null) {
                        return null;
                    }
                    Subscription next = item.subscription() == Subscription.TO ? Subscription.NONE
                            : item.subscription() == Subscription.BOTH ? Subscription.FROM : item.subscription();
                    return item.withSubscription(next, false, item.pendingIn());
                }, pushTo(userBare.toString(), contact));
                inbound(routed);
                return;
            }
            case unsubscribed: {
                rosters.update(user, contact, item -> {
                    if (item == null) {
                        return null;
                    }
                    Subscription next = item.subscription() == Subscription.FROM ? Subscription.NONE
                            : item.subscription() == Subscription.BOTH ? Subscription.TO : item.subscription();
                    return item.withSubscription(next, item.pendingOut(), false);
                }, pushTo(userBare.toString(), contact));
                inbound(routed);
                sendUnavailable(userBare.toString(), contact);
                return;
            }
            default:
                throw new IllegalArgumentException("not a subscription stanza: " + presence.getType());
        }
    }

    /** A subscription stanza for a contact of this domain ({@code from} and {@code to} are bare JIDs). */
    void inbound(Presence presence) {
        JID to = presence.getTo();
        if (to == null || to.getNode() == null || !domain.equals(to.getDomain()) || !users.exists(to.getNode())
                || blocking.check(presence.getFrom(), to) == BlockingPolicy.Verdict.BLOCKED_BY_RECIPIENT) {
            return;
        }
        String contactUser = to.getNode();
        String contactBare = to.toBareJID();
        String from = presence.getFrom().toBareJID();
        switch (presence.getType()) {
            case subscribe: {
                RosterItem existing = rosters.getItem(contactUser, from).orElse(null);
                if (existing != null && (existing.subscription() == Subscription.FROM || existing.subscription() == Subscription.BOTH)) {
                    Presence approved = new Presence(Presence.Type.subscribed);
                    approved.setFrom(new JID(contactBare, true));
                    approved.setTo(presence.getFrom());
                    inbound(approved); // already approved: answer on the contact's behalf
                    return;
                }
                try {
                    rosters.update(contactUser, from, item -> item == null
                            ? new RosterItem(from, "", Set.of(), Subscription.NONE, false, true)
                            : item.withSubscription(item.subscription(), item.pendingOut(), true),
                            pushTo(contactBare, from));
                } catch (RosterFullException e) {
                    // the request cannot be kept for the contact: its sender learns it at once
                    Presence error = presence.createCopy();
                    error.setFrom(new JID(contactBare, true));
                    error.setTo(presence.getFrom());
                    StanzaErrors.setError(error, PacketError.Condition.resource_constraint, PacketError.Type.wait,
                            contactBare + " cannot take more contacts");
                    routingTable.routeToAvailable(presence.getFrom().toBareJID(), error);
                    return;
                }
                routingTable.routeToAvailable(contactBare, presence);
                return;
            }
            case subscribed: {
                RosterManager.Change change = rosters.update(contactUser, from, item -> {
                    if (item == null || !item.pendingOut()) {
                        return item;
                    }
                    Subscription next = item.subscription() == Subscription.FROM ? Subscription.BOTH
                            : item.subscription() == Subscription.NONE ? Subscription.TO : item.subscription();
                    return item.withSubscription(next, false, item.pendingIn());
                }, pushTo(contactBare, from));
                if (change.changed()) {
                    routingTable.routeToAvailable(contactBare, presence);
                }
                return;
            }
            case unsubscribe: {
                rosters.update(contactUser, from, item -> {
                    if (item == null) {
                        return null;
                    }
                    Subscription next = item.subscription() == Subscription.FROM ? Subscription.NONE
                            : item.subscription() == Subscription.BOTH ? Subscription.TO : item.subscription();
                    RosterItem updated = item.withSubscription(next, item.pendingOut(), false);
                    return updated.subscription() == Subscription.NONE && !updated.pendingOut() && !RosterXml.isVisible(item)
                            ? null : updated;
                }, pushTo(contactBare, from));
                routingTable.routeToAvailable(contactBare, presence);
                sendUnavailable(contactBare, from);
                return;
            }
            case unsubscribed: {
                rosters.update(contactUser, from, item -> {
                    if (item == null) {
                        return null;
                    }
                    Subscription next = item.subscription() == Subscription.TO ? Subscription.NONE
                            : item.subscription() == Subscription.BOTH ? Subscription.FROM : item.subscription();
                    return item.withSubscription(next, false, item.pendingIn());
                }, pushTo(contactBare, from));
                routingTable.routeToAvailable(contactBare, presence);
                return;
            }
            default:
                throw new IllegalArgumentException("not a subscription stanza: " + presence.getType());
        }
    }

    /** Sends a session that just became available the subscription requests that wait for its user. */
    public void redeliverPending(LocalClientSession session) {
        for (RosterItem item : rosters.getRoster(session.username()).items()) {
            if (item.pendingIn() && blocking.check(new JID(item.jid(), true), session.address()) == BlockingPolicy.Verdict.ALLOWED) {
                Presence request = new Presence(Presence.Type.subscribe);
                request.setFrom(new JID(item.jid(), true));
                request.setTo(session.address().asBareJID());
                session.deliver(request);
            }
        }
    }

    /**
     * Removes a roster item (RFC 6121 section 2.5.2): cancels the subscriptions both ways first.
     *
     * @return whether there was an item
     */
    public boolean removeItem(LocalClientSession session, String contact) {
        RosterItem item = rosters.getItem(session.username(), contact).orElse(null);
        if (item == null) {
            return false;
        }
        JID userBare = session.address().asBareJID();
        if (item.subscription() == Subscription.TO || item.subscription() == Subscription.BOTH || item.pendingOut()) {
            inbound(subscriptionStanza(Presence.Type.unsubscribe, userBare, contact));
        }
        if (item.subscription() == Subscription.FROM || item.subscription() == Subscription.BOTH || item.pendingIn()) {
            inbound(subscriptionStanza(Presence.Type.unsubscribed, userBare, contact));
            sendUnavailable(userBare.toString(), contact);
        }
        rosters.update(session.username(), contact, old -> null, change -> {
            if (change.before() != null) {
                pusher.push(userBare.toString(), contact, null);
            }
        });
        return true;
    }

    private static Presence subscriptionStanza(Presence.Type type, JID from, String to) {
        Presence presence = new Presence(type);
        presence.setFrom(from);
        presence.setTo(new JID(to, true));
        return presence;
    }

    /** Pushes a changed item to the user's resources; given to the roster update, so pushes keep the order of the changes. */
    private Consumer<RosterManager.Change> pushTo(String bareJid, String contact) {
        return change -> {
            if (change.changed()) {
                pusher.push(bareJid, contact, change.after());
            }
        };
    }

    /** Sends the current presence of each of the user's available sessions to the contact's sessions. */
    private void sendPresences(String userBare, String contactBare) {
        if (!isLocalUser(contactBare) || blocked(userBare, contactBare)) {
            return;
        }
        for (Presence presence : sessions.availablePresences(userBare)) {
            Presence copy = presence.createCopy();
            copy.setTo(new JID(contactBare, true));
            routingTable.routeToAvailable(contactBare, copy);
        }
    }

    /** Sends unavailable presence from each of the user's available sessions to the contact's sessions. */
    private void sendUnavailable(String userBare, String contactBare) {
        if (!isLocalUser(contactBare) || blocked(userBare, contactBare)) {
            return;
        }
        for (Presence presence : sessions.availablePresences(userBare)) {
            Presence unavailable = new Presence(Presence.Type.unavailable);
            unavailable.setFrom(presence.getFrom());
            unavailable.setTo(new JID(contactBare, true));
            routingTable.routeToAvailable(contactBare, unavailable);
        }
    }

    private boolean blocked(String userBare, String contactBare) {
        return blocking.check(new JID(userBare, true), new JID(contactBare, true)) != BlockingPolicy.Verdict.ALLOWED;
    }

    private boolean isLocalUser(String bareJid) {
        int at = bareJid.indexOf('@');
        return at > 0 && domain.equals(bareJid.substring(at + 1));
    }
}
