package org.skein.presence;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Lock;
import java.util.function.Predicate;
import org.skein.blocking.BlockingPolicy;
import org.skein.cache.Cache;
import org.skein.cache.CacheFactory;
import org.skein.component.ComponentRegistry;
import org.skein.component.LocalComponent;
import org.skein.offline.OfflineMessageManager;
import org.skein.roster.RosterItem;
import org.skein.roster.RosterManager;
import org.skein.roster.Subscription;
import org.skein.roster.SubscriptionService;
import org.skein.routing.RoutingTable;
import org.skein.session.LocalClientSession;
import org.skein.session.SessionManager;
import org.skein.xmpp.StanzaErrors;
import org.xmpp.packet.JID;
import org.xmpp.packet.PacketError;
import org.xmpp.packet.Presence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles the presence stanzas clients send, and the presence side of sessions ending.
 *
 * <ul>
 *   <li>Broadcast presence (no {@code to}): recorded as the session's presence; sent to every contact
 *       with a {@code from} or {@code both} subscription and to the user's own available resources.
 *       The first available presence of a session (initial presence) also probes the contacts the
 *       user is subscribed to (answered from their sessions' current presence, read from the routing
 *       table and {@code sessions.info}), redelivers pending subscription requests, and, with a
 *       non-negative priority, delivers offline messages.</li>
 *   <li>Directed presence (with {@code to}): routed; the recipients of available directed presence
 *       that are not subscribers are remembered (cache {@value #DIRECTED_CACHE}: full JID of the
 *       sender → recipients) and get unavailable presence when the sender goes unavailable. The
 *       cache is node-local: only the sender's node reads it. Recipients on a node that crashes or
 *       that this node leaves are taken out ({@link #forgetDirectedRecipients}); a sender's node that
 *       crashes tells nobody, so the recipients' nodes do it (see {@link ClusterPresence}).</li>
 *   <li>Presence to the domain of a {@linkplain ComponentRegistry component} (joining a group chat
 *       room, for example) is handed to it, and remembered like other directed presence.</li>
 *   <li>Subscription stanzas go to the {@link SubscriptionService}.</li>
 *   <li>Blocking (XEP-0191, asked of the {@link BlockingPolicy}): broadcasts and probes leave out
 *       contacts blocked either way; directed presence and subscription stanzas to a JID the user
 *       blocked get {@code not-acceptable} with {@code <blocked/>}; directed presence to a user who
 *       blocked the sender is dropped in silence (the contact's side of a subscription is dropped by
 *       the {@link SubscriptionService}).</li>
 * </ul>
 * Thread-safe; blocks on the roster store.
 */
public final class PresenceManager {

    private static final Logger LOG = LoggerFactory.getLogger(PresenceManager.class);

    /** Full JID of a sender → the JIDs that got its available directed presence. */
    public static final String DIRECTED_CACHE = "presence.directed";

    private final String domain;
    private final RoutingTable routingTable;
    private final SessionManager sessions;
    private final RosterManager rosters;
    private final SubscriptionService subscriptions;
    private final OfflineMessageManager offline;
    private final Cache<String, HashSet<String>> directed;
    private final ComponentRegistry components;
    private final BlockingPolicy blocking;
    private final List<PresenceListener> listeners = new CopyOnWriteArrayList<>();

    public PresenceManager(String domain, RoutingTable routingTable, SessionManager sessions, RosterManager rosters,
                           SubscriptionService subscriptions, OfflineMessageManager offline, CacheFactory caches,
                           ComponentRegistry components, BlockingPolicy blocking) {
        this.domain = Objects.requireNonNull(domain, "domain");
        this.routingTable = Objects.requireNonNull(routingTable, "routingTable");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.rosters = Objects.requireNonNull(rosters, "rosters");
        this.subscriptions = Objects.requireNonNull(subscriptions, "subscriptions");
        this.offline = Objects.requireNonNull(offline, "offline");
        this.directed = caches.createLocalCache(DIRECTED_CACHE);
        this.blocking = Objects.requireNonNull(blocking, "blocking");
        this.components = Objects.requireNonNull(components, "components");
    }

    /** Adds a listener for the broadcast presence of this node's sessions. */
    public void addListener(PresenceListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    public void removeListener(PresenceListener listener) {
        listeners.remove(listener);
    }

    private void tellListeners(LocalClientSession session, Presence presence, boolean becameAvailable) {
        for (PresenceListener listener : listeners) {
            try {
                listener.presenceBroadcast(session, presence, becameAvailable);
            } catch (RuntimeException e) {
                LOG.warn("A presence listener failed on the presence of {}", session.address(), e);
            }
        }
    }

    /**
     * Removes recipients from every sender's directed-presence record (recipients that are gone with
     * a node); a record left empty is removed.
     *
     * @return how many recipients were removed
     */
    public int forgetDirectedRecipients(Predicate<String> gone) {
        int removed = 0;
        for (Map.Entry<String, HashSet<String>> entry : Map.copyOf(directed).entrySet()) {
            if (entry.getValue().stream().noneMatch(gone)) {
                continue;
            }
            Lock lock = directed.getLock(entry.getKey());
            lock.lock();
            try {
                HashSet<String> recipients = directed.get(entry.getKey());
                if (recipients == null) {
                    continue;
                }
                HashSet<String> copy = new HashSet<>(recipients);
                copy.removeIf(gone);
                removed += recipients.size() - copy.size();
                if (copy.isEmpty()) {
                    directed.remove(entry.getKey());
                } else {
                    directed.put(entry.getKey(), copy);
                }
            } finally {
                lock.unlock();
            }
        }
        return removed;
    }

    /** The recipients of a session's available directed presence (a copy; empty if none). */
    public Set<String> directedRecipients(JID sender) {
        HashSet<String> recipients = directed.get(sender.toString());
        return recipients == null ? Set.of() : Set.copyOf(recipients);
    }

    /** A presence stanza a local client sent ({@code from} already stamped with its full JID). */
    public void process(Presence presence, LocalClientSession session) {
        Presence.Type type = presence.getType();
        if (SubscriptionService.isSubscription(type)) {
            if (presence.getTo() == null || presence.getTo().getNode() == null) {
                return; // a subscription needs a contact
            }
            if (blocking.check(session.address(), presence.getTo()) == BlockingPolicy.Verdict.BLOCKED_BY_SENDER) {
                bounce(presence, session, BlockingPolicy.blockedError());
                return;
            }
            subscriptions.outbound(presence, session);
            return;
        }
        if (type == Presence.Type.probe) {
            return; // probes are the server's business (RFC 6121 section 4.3)
        }
        if (presence.getTo() == null) {
            broadcast(presence, session);
        } else {
            directed(presence, session);
        }
    }

    private void broadcast(Presence presence, LocalClientSession session) {
        boolean available = presence.isAvailable();
        if (type(presence) == Presence.Type.error) {
            return;
        }
        boolean initial = available && !session.isInitialPresenceSent();
        if (!available && !session.isAvailable()) {
            return; // unavailable without having been available: nothing to tell anyone
        }
        boolean becameAvailable = available && !session.isAvailable();
        sessions.presenceChanged(session, presence);
        if (initial) {
            session.setInitialPresenceSent(true);
        }
        String userBare = session.address().toBareJID();
        List<String> contacts = new ArrayList<>();
        for (RosterItem item : rosters.getRoster(session.username()).items()) {
            if (item.subscription() == Subscription.FROM || item.subscription() == Subscription.BOTH) {
                JID contact = new JID(item.jid(), true);
                if (blocking.check(session.address(), contact) != BlockingPolicy.Verdict.ALLOWED || !isLocal(item.jid())) {
                    continue;
                }
                contacts.add(item.jid());
            }
        }
        // each contact's resources get a copy addressed to the contact's bare JID; those on another node cross once per node
        routingTable.routeToAvailableOf(contacts, presence);
        Presence own = presence.createCopy();
        own.setTo(session.address().asBareJID());
        routingTable.routeToAvailable(userBare, own);
        if (!available) {
            sendUnavailableToDirected(session, presence);
            tellListeners(session, presence, false);
            return;
        }
        if (initial) {
            probeContacts(session);
            subscriptions.redeliverPending(session);
        }
        if (presence.getPriority() >= 0 && !session.isOfflineMessagesDelivered()) {
            session.setOfflineMessagesDelivered(true);
            offline.deliverTo(session);
        } else if (presence.getPriority() < 0) {
            session.hold().release(); // no offline messages for it: nothing to wait behind
        }
        tellListeners(session, presence, becameAvailable);
    }

    private void directed(Presence presence, LocalClientSession session) {
        JID to = presence.getTo();
        if (to.getNode() == null && domain.equals(to.getDomain())) {
            return; // presence to the server itself: nothing to do
        }
        if (!domain.equals(to.getDomain()) && components.forDomain(to.getDomain()).isEmpty()) {
            bounce(presence, session, PacketError.Condition.remote_server_not_found);
            return;
        }
        switch (blocking.check(session.address(), to)) {
            case BLOCKED_BY_SENDER -> {
                bounce(presence, session, BlockingPolicy.blockedError());
                return;
            }
            case BLOCKED_BY_RECIPIENT -> {
                return; // dropped in silence: the sender must not learn of the block
            }
            default -> { }
        }
        routeDirected(to, presence);
        String key = session.address().toString();
        String recipient = to.toString();
        Lock lock = directed.getLock(key);
        lock.lock();
        try {
            HashSet<String> recipients = directed.get(key);
            if (presence.isAvailable() && !isSubscriber(session, to)) {
                if (recipients == null || !recipients.contains(recipient)) {
                    HashSet<String> copy = recipients == null ? new HashSet<>() : new HashSet<>(recipients);
                    copy.add(recipient);
                    directed.put(key, copy);
                }
            } else if (!presence.isAvailable() && recipients != null && recipients.contains(recipient)) {
                HashSet<String> copy = new HashSet<>(recipients);
                copy.remove(recipient);
                if (copy.isEmpty()) {
                    directed.remove(key);
                } else {
                    directed.put(key, copy);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private boolean isSubscriber(LocalClientSession session, JID contact) {
        return rosters.getItem(session.username(), contact.toBareJID())
                .map(i -> i.subscription() == Subscription.FROM || i.subscription() == Subscription.BOTH).orElse(false);
    }

    /** Answers the initial presence's probes: the current presence of each contact the user is subscribed to. */
    private void probeContacts(LocalClientSession session) {
        for (RosterItem item : rosters.getRoster(session.username()).items()) {
            if (item.subscription() != Subscription.TO && item.subscription() != Subscription.BOTH) {
                continue;
            }
            if (!isLocal(item.jid())
                    || blocking.check(session.address(), new JID(item.jid(), true)) != BlockingPolicy.Verdict.ALLOWED) {
                continue;
            }
            List<Presence> presences = sessions.availablePresences(item.jid());
            for (Presence contactPresence : presences) {
                Presence copy = contactPresence.createCopy();
                copy.setTo(session.address());
                session.deliver(copy);
            }
        }
    }

    /** A session ended: if it was available, its contacts and directed-presence recipients learn it is gone. */
    public void sessionClosed(LocalClientSession session) {
        if (session.isAvailable()) {
            Presence unavailable = new Presence(Presence.Type.unavailable);
            unavailable.setFrom(session.address());
            broadcast(unavailable, session);
        } else {
            directed.remove(session.address().toString());
        }
    }

    private void sendUnavailableToDirected(LocalClientSession session, Presence presence) {
        HashSet<String> recipients = directed.remove(session.address().toString());
        if (recipients == null) {
            return;
        }
        for (String recipient : recipients) {
            JID to = new JID(recipient, true);
            if (blocking.check(session.address(), to) == BlockingPolicy.Verdict.BLOCKED_BY_RECIPIENT) {
                continue; // the recipient takes nothing from the sender; a JID the sender blocked is told it is gone
            }
            Presence unavailable = new Presence(Presence.Type.unavailable);
            unavailable.setFrom(session.address());
            unavailable.setTo(to);
            if (presence.getStatus() != null) {
                unavailable.setStatus(presence.getStatus());
            }
            routeDirected(to, unavailable);
        }
    }

    /** Directed presence to a user (bare: every available resource) or to a component. */
    private void routeDirected(JID to, Presence presence) {
        if (!domain.equals(to.getDomain())) {
            components.forDomain(to.getDomain()).ifPresent(component -> toComponent(component, presence));
        } else if (to.getResource() == null) {
            routingTable.routeToAvailable(to.toBareJID(), presence);
        } else {
            routingTable.routeToFullJid(to, presence);
        }
    }

    private static void toComponent(LocalComponent component, Presence presence) {
        try {
            component.process(presence);
        } catch (RuntimeException e) {
            LOG.warn("Component {} failed on a presence from {}", component.domain(), presence.getFrom(), e);
        }
    }

    private void bounce(Presence presence, LocalClientSession session, PacketError.Condition condition) {
        bounce(presence, session, new PacketError(condition));
    }

    private void bounce(Presence presence, LocalClientSession session, PacketError packetError) {
        if (type(presence) == Presence.Type.error) {
            return;
        }
        Presence error = presence.createCopy();
        error.setTo(session.address());
        error.setFrom(presence.getTo());
        StanzaErrors.setError(error, packetError);
        session.deliver(error);
    }

    private boolean isLocal(String bareJid) {
        int at = bareJid.indexOf('@');
        return at > 0 && domain.equals(bareJid.substring(at + 1));
    }

    private static Presence.Type type(Presence presence) {
        return presence.getType();
    }
}
