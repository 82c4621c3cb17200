package org.skein.lastactivity;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.dom4j.Element;
import org.skein.iq.IqErrors;
import org.skein.iq.IqHandler;
import org.skein.roster.RosterItem;
import org.skein.roster.RosterManager;
import org.skein.roster.Subscription;
import org.skein.routing.ClientRoute;
import org.skein.routing.RoutingTable;
import org.skein.session.LocalClientSession;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.PacketError;

/**
 * {@code jabber:iq:last} (XEP-0012) gets, answered by the server:
 * <ul>
 *   <li>no {@code to}, or the domain: the node's uptime in seconds;</li>
 *   <li>a user's bare JID, asked by the user or by a contact the user shares presence with ({@code from}
 *       or {@code both} in the user's roster): {@code seconds='0'} while the user has an available
 *       resource anywhere in the cluster, else the seconds since the last logout with its status as
 *       text, or {@code item-not-found} if the user never logged out; anyone else: {@code forbidden}.</li>
 * </ul>
 * A set gets {@code bad-request}. Thread-safe; blocks on the roster and last-activity stores.
 */
public final class LastActivityHandler implements IqHandler {

    public static final String NAMESPACE = "jabber:iq:last";

    private final JID serverJid;
    private final LastActivityManager activity;
    private final RosterManager rosters;
    private final RoutingTable routingTable;
    private final Clock clock;
    private final Instant started;

    /** @param started when the node started (its uptime counts from there) */
    public LastActivityHandler(JID serverJid, LastActivityManager activity, RosterManager rosters, RoutingTable routingTable,
                               Clock clock, Instant started) {
        this.serverJid = Objects.requireNonNull(serverJid, "serverJid");
        this.activity = Objects.requireNonNull(activity, "activity");
        this.rosters = Objects.requireNonNull(rosters, "rosters");
        this.routingTable = Objects.requireNonNull(routingTable, "routingTable");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.started = Objects.requireNonNull(started, "started");
    }

    @Override
    public String namespace() {
        return NAMESPACE;
    }

    @Override
    public boolean answersForUsers() {
        return true;
    }

    @Override
    public IQ handle(IQ request, LocalClientSession session) {
        if (request.getType() != IQ.Type.get) {
            return IqErrors.error(request, PacketError.Condition.bad_request, serverJid);
        }
        JID to = request.getTo();
        if (to == null || to.getNode() == null) {
            return answer(request, secondsSince(started), null);
        }
        String bare = to.toBareJID();
        String requester = session.address().toBareJID();
        if (!bare.equals(requester) && !sharesPresenceWith(to.getNode(), requester)) {
            return IqErrors.error(request, PacketError.Condition.forbidden, serverJid);
        }
        if (hasAvailableResource(bare)) {
            return answer(request, 0, null);
        }
        Optional<LastActivity> last = activity.lastActivity(to.getNode());
        if (last.isEmpty()) {
            return IqErrors.error(request, PacketError.Condition.item_not_found, serverJid);
        }
        return answer(request, secondsSince(last.get().stamp()), last.get().status());
    }

    private boolean sharesPresenceWith(String username, String contactBare) {
        Optional<RosterItem> item = rosters.getItem(username, contactBare);
        return item.isPresent() && (item.get().subscription() == Subscription.FROM || item.get().subscription() == Subscription.BOTH);
    }

    private boolean hasAvailableResource(String bareJid) {
        for (ClientRoute route : routingTable.routesOf(bareJid).values()) {
            if (route.available()) {
                return true;
            }
        }
        return false;
    }

    private long secondsSince(Instant then) {
        return Math.max(0, Duration.between(then, clock.instant()).getSeconds());
    }

    private IQ answer(IQ request, long seconds, String status) {
        IQ reply = IqErrors.result(request, serverJid);
        Element query = reply.setChildElement("query", NAMESPACE);
        query.addAttribute("seconds", Long.toString(seconds));
        if (status != null && !status.isEmpty()) {
            query.setText(status);
        }
        return reply;
    }
}
