package org.skein.message;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.skein.blocking.BlockingPolicy;
import org.skein.carbons.Carbons;
import org.skein.component.ComponentRegistry;
import org.skein.component.LocalComponent;
import org.skein.mam.MessageArchive;
import org.skein.offline.OfflineMessageManager;
import org.skein.routing.Addressing;
import org.skein.routing.ClientRoute;
import org.skein.routing.RoutingTable;
import org.skein.stanzaid.StanzaIds;
import org.skein.user.UserManager;
import org.skein.xmpp.StanzaErrors;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;
import org.xmpp.packet.PacketError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers messages by the rules of RFC 6121 section 8.5:
 * <ul>
 *   <li><b>Full JID</b> of a connected resource: delivered to it. No such resource: {@code chat} and
 *       {@code normal} are handled as if sent to the bare JID; {@code headline} and {@code error} are
 *       dropped; {@code groupchat} bounces with {@code service-unavailable}.</li>
 *   <li><b>Bare JID</b>: only available resources with a non-negative priority are candidates.
 *       {@code chat} and {@code normal} go to the resources with the highest priority; when several
 *       share it, <em>every one of them</em> gets the message (Skein's policy: no message is hidden
 *       from a device the user is looking at). {@code headline} goes to all candidates.
 *       {@code groupchat} bounces; {@code error} is dropped.</li>
 *   <li>No candidate: {@code chat} and {@code normal} are kept offline (a full store bounces with
 *       {@code service-unavailable}); {@code headline} and {@code error} are dropped.</li>
 *   <li>An unknown user or the server itself: {@code service-unavailable}; the domain of a
 *       {@linkplain ComponentRegistry component}: handed to it; another domain:
 *       {@code remote-server-not-found} (there are no server-to-server links yet).</li>
 *   <li>Blocking (XEP-0191, asked of the {@link BlockingPolicy} before anything else): to a JID the
 *       sender blocked: {@code not-acceptable} with {@code <blocked/>}; from a JID the recipient
 *       blocked: {@code service-unavailable}, as for an unknown user.</li>
 *   <li>Archive (XEP-0313): a message accepted for a local account is written to the {@link MessageArchive}
 *       here, once, before it is delivered anywhere, and the delivered copy carries the recipient's
 *       {@code <stanza-id/>}; {@code <stanza-id/>}s a sender forged in this server's name are removed first.
 *       A message this node routes again ({@link #reroute}) is not archived again.</li>
 *   <li>Carbons (XEP-0280, see {@link Carbons}): a message a client sends is copied ({@code <sent/>}) to its
 *       user's other carbons-enabled sessions, and a message delivered to some of a user's sessions is copied
 *       ({@code <received/>}) to that user's carbons-enabled sessions that did not get it, on any node. A
 *       message routed again ({@link #reroute}) is not copied again.</li>
 * </ul>
 * An error is never answered with an error. Thread-safe; may block on the user and offline stores
 * (only when the recipient has no session).
 */
public final class MessageRouter {

    private static final Logger LOG = LoggerFactory.getLogger(MessageRouter.class);

    private final String domain;
    private final JID serverJid;
    private final RoutingTable routingTable;
    private final UserManager users;
    private final OfflineMessageManager offline;
    private final ComponentRegistry components;
    private final BlockingPolicy blocking;
    private final MessageArchive archive;
    private final Carbons carbons;

    public MessageRouter(String domain, RoutingTable routingTable, UserManager users, OfflineMessageManager offline,
                         ComponentRegistry components, BlockingPolicy blocking, MessageArchive archive) {
        this(domain, routingTable, users, offline, components, blocking, archive, new Carbons(domain, routingTable));
    }

    public MessageRouter(String domain, RoutingTable routingTable, UserManager users, OfflineMessageManager offline,
                         ComponentRegistry components, BlockingPolicy blocking, MessageArchive archive, Carbons carbons) {
        this.carbons = Objects.requireNonNull(carbons, "carbons");
        this.domain = Objects.requireNonNull(domain, "domain");
        this.serverJid = new JID(null, domain, null, true);
        this.routingTable = Objects.requireNonNull(routingTable, "routingTable");
        this.users = Objects.requireNonNull(users, "users");
        this.offline = Objects.requireNonNull(offline, "offline");
        this.components = Objects.requireNonNull(components, "components");
        this.blocking = Objects.requireNonNull(blocking, "blocking");
        this.archive = Objects.requireNonNull(archive, "archive");
    }

    /**
     * Routes a message whose {@code from} is set (a client's full JID, the server, or a component): the
     * point where the server accepts a message, so it is archived here.
     */
    public void route(Message message) {
        StanzaIds.stripForged(message, domain);
        route(message, true);
    }

    /**
     * Routes again a message this server had accepted and could not deliver where it first meant to (its
     * recipient's node went away): the same rules, without archiving it a second time. Stream management
     * must never route its resends through {@link #route}.
     */
    public void reroute(Message message) {
        route(message, false);
    }

    private void route(Message message, boolean accepting) {
        JID to = message.getTo();
        Message.Type type = message.getType();
        if (to == null || (to.getNode() == null && domain.equals(to.getDomain()))) {
            if (type != Message.Type.error && type != Message.Type.headline) {
                bounce(message, PacketError.Condition.service_unavailable);
            }
            return;
        }
        switch (blocking.check(message.getFrom(), to)) {
            case BLOCKED_BY_SENDER -> {
                bounce(message, BlockingPolicy.blockedError());
                return;
            }
            case BLOCKED_BY_RECIPIENT -> {
                bounce(message, PacketError.Condition.service_unavailable);
                return;
            }
            default -> { }
        }
        if (!domain.equals(to.getDomain())) {
            Optional<LocalComponent> component = components.forDomain(to.getDomain());
            if (component.isPresent()) {
                if (accepting) {
                    carbons.copySent(message);
                }
                toComponent(component.get(), message);
            } else {
                bounce(message, PacketError.Condition.remote_server_not_found);
            }
            return;
        }
        if (accepting && to.getNode() != null && archive.wants(message) && isAccount(to)) {
            message = archive.accepted(message);
        }
        if (accepting) {
            carbons.copySent(message);
        }
        if (to.getResource() != null) {
            if (routingTable.routeToFullJid(to, message)) {
                if (accepting) {
                    carbons.copyReceived(message, List.of(to), null);
                }
                return;
            }
            if (type == Message.Type.headline || type == Message.Type.error) {
                return;
            }
            if (type == Message.Type.groupchat) {
                bounce(message, PacketError.Condition.service_unavailable);
                return;
            }
        }
        routeToBareJid(message, to.toBareJID(), type, accepting);
    }

    private void routeToBareJid(Message message, String bareJid, Message.Type type, boolean accepting) {
        routeToBareJid(message, bareJid, type, accepting, true);
    }

    /**
     * @param accepting whether this node accepted the message from its sender (it sends the carbons)
     * @param mayTakeBack whether a message kept offline may be taken back and delivered live when the
     *        recipient turns out to have come online meanwhile (once per message)
     */
    private void routeToBareJid(Message message, String bareJid, Message.Type type, boolean accepting, boolean mayTakeBack) {
        if (type == Message.Type.error) {
            return;
        }
        if (type == Message.Type.groupchat) {
            bounce(message, PacketError.Condition.service_unavailable);
            return;
        }
        Map<JID, ClientRoute> routes = routingTable.routesOf(bareJid);
        List<JID> targets = targets(routes, type);
        // several resources on one other node: the message crosses once (its to stays the bare JID)
        List<JID> delivered = targets.isEmpty() ? List.of() : routingTable.routeToFullJids(targets, Addressing.AS_IS, message);
        if (!delivered.isEmpty()) {
            if (accepting) {
                carbons.copyReceived(message, delivered, routes);
            }
            return;
        }
        String username = new JID(bareJid, true).getNode();
        if (routes.isEmpty() && !users.exists(username)) {
            bounce(message, PacketError.Condition.service_unavailable);
            return;
        }
        if (type == Message.Type.headline) {
            return;
        }
        long kept = offline.add(username, message);
        if (kept < 0) {
            archive.withdraw(message);
            bounce(message, PacketError.Condition.service_unavailable);
            return;
        }
        // The recipient's initial presence may have emptied storage between the look at the routes
        // and this write; then the message would wait for the next login. If a resource is available
        // now and the message is still stored and not claimed by that login's delivery (which then hands it
        // over itself), it is taken back and delivered live.
        if (mayTakeBack && !targets(routingTable.routesOf(bareJid), type).isEmpty() && offline.takeBack(username, kept)) {
            routeToBareJid(message, bareJid, type, accepting, false);
        } else if (accepting && !routes.isEmpty()) {
            carbons.copyReceived(message, List.of(), routes); // a carbons-enabled session with a negative priority
        }
    }

    /** The resources a message to a bare JID goes to (RFC 6121 section 8.5.2.1): the highest non-negative priority, or all for headlines. */
    private static List<JID> targets(Map<JID, ClientRoute> routes, Message.Type type) {
        List<JID> targets = new ArrayList<>(2);
        int best = Integer.MIN_VALUE;
        for (Map.Entry<JID, ClientRoute> entry : routes.entrySet()) {
            ClientRoute route = entry.getValue();
            if (!route.available() || route.priority() < 0) {
                continue;
            }
            if (type == Message.Type.headline) {
                targets.add(entry.getKey());
            } else if (route.priority() > best) {
                best = route.priority();
                targets.clear();
                targets.add(entry.getKey());
            } else if (route.priority() == best) {
                targets.add(entry.getKey());
            }
        }
        return targets;
    }

    /** Whether a local address belongs to an account (a route is enough; else the user store is asked). */
    private boolean isAccount(JID to) {
        return !routingTable.routesOf(to.toBareJID()).isEmpty() || users.exists(to.getNode());
    }

    private static void toComponent(LocalComponent component, Message message) {
        try {
            component.process(message);
        } catch (RuntimeException e) {
            LOG.warn("Component {} failed on a message from {}", component.domain(), message.getFrom(), e);
        }
    }

    /** Sends an error back to the message's sender (never for an error). */
    private void bounce(Message message, PacketError.Condition condition) {
        bounce(message, new PacketError(condition));
    }

    private void bounce(Message message, PacketError packetError) {
        if (message.getType() == Message.Type.error || message.getFrom() == null) {
            return;
        }
        Message error = message.createCopy();
        StanzaIds.stripForged(error, domain); // the recipient's archive id is not the sender's business
        error.setTo(message.getFrom());
        error.setFrom(message.getTo() == null ? serverJid : message.getTo());
        StanzaErrors.setError(error, packetError);
        JID sender = message.getFrom();
        if (sender.getResource() != null) {
            routingTable.routeToFullJid(sender, error);
        }
    }
}
