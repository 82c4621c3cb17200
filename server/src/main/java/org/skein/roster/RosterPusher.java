package org.skein.roster;

import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.dom4j.Element;
import org.skein.routing.ClientRoute;
import org.skein.routing.RoutingTable;
import org.skein.session.LocalClientSession;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;

/**
 * Sends roster pushes (RFC 6121 section 2.1.6) to every resource of a user that asked for its roster.
 * Resources on other nodes get the push too (whether they asked is known only to their node).
 */
public final class RosterPusher {

    private final RoutingTable routingTable;

    public RosterPusher(RoutingTable routingTable) {
        this.routingTable = Objects.requireNonNull(routingTable, "routingTable");
    }

    /** Pushes a changed item ({@code after == null}: removed) to the user's interested resources. */
    public void push(String bareJid, String contactJid, RosterItem after) {
        Element query = RosterXml.query();
        if (after == null) {
            RosterXml.addRemoval(query, contactJid);
        } else if (RosterXml.isVisible(after)) {
            RosterXml.addItem(query, after);
        } else {
            return;
        }
        for (Map.Entry<JID, ClientRoute> route : routingTable.routesOf(bareJid).entrySet()) {
            LocalClientSession local = routingTable.localSession(route.getKey());
            if (local != null && !local.isRosterRequested()) {
                continue;
            }
            IQ push = new IQ(IQ.Type.set, "push-" + UUID.randomUUID().toString().substring(0, 13));
            push.setTo(route.getKey());
            push.setChildElement(query.createCopy());
            routingTable.routeToFullJid(route.getKey(), push);
        }
    }
}
