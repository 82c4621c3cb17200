package org.skein.roster;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.dom4j.Element;
import org.skein.iq.IqErrors;
import org.skein.iq.IqHandler;
import org.skein.session.LocalClientSession;
import org.skein.xmpp.Namespaces;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.PacketError;

/**
 * {@code jabber:iq:roster} (RFC 6121 section 2): roster get, set (add or update name and groups) and
 * remove, each change pushed to the user's interested resources. Subscription states are not changed
 * here (only presence subscription stanzas change them). Adding an item to a roster that holds
 * {@code roster.maxItems} items already gets {@code not-allowed}.
 */
public final class RosterIqHandler implements IqHandler {

    private final JID serverJid;
    private final RosterManager rosters;
    private final RosterPusher pusher;
    private final SubscriptionService subscriptions;

    public RosterIqHandler(JID serverJid, RosterManager rosters, RosterPusher pusher, SubscriptionService subscriptions) {
        this.serverJid = Objects.requireNonNull(serverJid, "serverJid");
        this.rosters = Objects.requireNonNull(rosters, "rosters");
        this.pusher = Objects.requireNonNull(pusher, "pusher");
        this.subscriptions = Objects.requireNonNull(subscriptions, "subscriptions");
    }

    @Override
    public String namespace() {
        return Namespaces.ROSTER;
    }

    @Override
    public boolean answersForUsers() {
        return true;
    }

    @Override
    public IQ handle(IQ request, LocalClientSession session) {
        JID to = request.getTo();
        if (to != null && !to.toBareJID().equals(session.address().toBareJID())) {
            return IqErrors.error(request, PacketError.Condition.forbidden, serverJid);
        }
        return request.getType() == IQ.Type.get ? get(request, session) : set(request, session);
    }

    private IQ get(IQ request, LocalClientSession session) {
        session.setRosterRequested(true);
        IQ reply = IQ.createResultIQ(request);
        reply.setFrom((JID) null);
        Element query = RosterXml.query();
        for (RosterItem item : rosters.getRoster(session.username()).items()) {
            if (RosterXml.isVisible(item)) {
                RosterXml.addItem(query, item);
            }
        }
        reply.setChildElement(query);
        return reply;
    }

    private IQ set(IQ request, LocalClientSession session) {
        List<Element> items = request.getChildElement().elements("item");
        if (items.size() != 1) {
            return IqErrors.error(request, PacketError.Condition.bad_request, serverJid);
        }
        Element item = items.get(0);
        String jidText = item.attributeValue("jid");
        JID contact;
        try {
            contact = new JID(jidText == null ? "" : jidText);
        } catch (IllegalArgumentException e) {
            return IqErrors.error(request, PacketError.Condition.jid_malformed, serverJid);
        }
        if (contact.getDomain() == null || contact.getDomain().isEmpty() || contact.getResource() != null) {
            return IqErrors.error(request, PacketError.Condition.bad_request, serverJid);
        }
        String contactBare = contact.toBareJID();
        if ("remove".equals(item.attributeValue("subscription"))) {
            if (!subscriptions.removeItem(session, contactBare)) {
                return IqErrors.error(request, PacketError.Condition.item_not_found, serverJid);
            }
            return result(request);
        }
        String name = item.attributeValue("name", "");
        Set<String> groups = new LinkedHashSet<>();
        for (Element group : item.elements("group")) {
            String text = group.getTextTrim();
            if (text.isEmpty() || !groups.add(text)) {
                return IqErrors.error(request, PacketError.Condition.bad_request, serverJid);
            }
        }
        try {
            rosters.update(session.username(), contactBare, old -> old == null
                    ? new RosterItem(contactBare, name, groups, Subscription.NONE, false, false)
                    : old.withNameAndGroups(name, groups), change -> {
                        // pushed under the roster lock, so concurrent changes of the item reach clients in order
                        if (change.changed() || (change.before() != null && !RosterXml.isVisible(change.before()))) {
                            pusher.push(session.address().toBareJID(), contactBare, change.after());
                        }
                    });
        } catch (RosterFullException e) {
            return IqErrors.error(request, PacketError.Condition.not_allowed,
                    "your roster holds its maximum of " + e.maxItems() + " items; remove one first", serverJid);
        }
        return result(request);
    }

    private static IQ result(IQ request) {
        IQ reply = IQ.createResultIQ(request);
        reply.setFrom((JID) null);
        return reply;
    }
}
