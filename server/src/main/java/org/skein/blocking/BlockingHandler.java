package org.skein.blocking;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.dom4j.Element;
import org.skein.iq.IqErrors;
import org.skein.iq.IqHandler;
import org.skein.roster.RosterManager;
import org.skein.routing.RoutingTable;
import org.skein.session.LocalClientSession;
import org.skein.session.SessionManager;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.PacketError;

/**
 * {@code urn:xmpp:blocking} (XEP-0191), for the user's own account (no {@code to}, the user's bare JID
 * or the domain; anyone else's: {@code forbidden}):
 * <ul>
 *   <li>get {@code <blocklist/>}: the blocked JIDs; the session gets pushes from then on;</li>
 *   <li>set {@code <block/>} with one or more items: blocks them (no item: {@code bad-request}; a
 *       JID that cannot be one: {@code jid-malformed}; a list longer than {@code blocking.maxItems}:
 *       {@code not-acceptable}), pushes the block to the user's resources that asked for the list, and
 *       sends the contacts unavailable presence (see {@link BlockPresence});</li>
 *   <li>set {@code <unblock/>} with items: unblocks them; without: unblocks everyone; pushes and
 *       presence the same way.</li>
 * </ul>
 */
public final class BlockingHandler implements IqHandler {

    /** The longest JID a block list keeps (the database column). */
    static final int MAX_JID_LENGTH = 2047;

    private final JID serverJid;
    private final BlockListManager lists;
    private final BlockPresence presence;

    public BlockingHandler(JID serverJid, BlockListManager lists, RoutingTable routingTable, SessionManager sessions,
                           RosterManager rosters) {
        this.serverJid = Objects.requireNonNull(serverJid, "serverJid");
        this.lists = Objects.requireNonNull(lists, "lists");
        this.presence = new BlockPresence(serverJid.getDomain(), routingTable, sessions, rosters);
    }

    @Override
    public String namespace() {
        return BlockListManager.NAMESPACE;
    }

    /** Answers requests to a user's bare JID too: the user's own is the account, anyone else's is {@code forbidden}. */
    @Override
    public boolean answersForUsers() {
        return true;
    }

    @Override
    public IQ handle(IQ request, LocalClientSession session) {
        JID to = request.getTo();
        if (to != null && to.getNode() != null && !to.toBareJID().equals(session.address().toBareJID())) {
            return IqErrors.error(request, PacketError.Condition.forbidden, serverJid);
        }
        Element child = request.getChildElement();
        String name = child.getName();
        if (request.getType() == IQ.Type.get) {
            return "blocklist".equals(name) ? blockList(request, session) : badRequest(request);
        }
        if (!"block".equals(name) && !"unblock".equals(name)) {
            return badRequest(request);
        }
        List<String> jids = new ArrayList<>();
        for (Element item : child.elements()) {
            if (!"item".equals(item.getName())) {
                return badRequest(request);
            }
            String jid = normalize(item.attributeValue("jid"));
            if (jid == null) {
                return IqErrors.error(request, PacketError.Condition.jid_malformed, serverJid);
            }
            if (jid.length() > MAX_JID_LENGTH) {
                return IqErrors.error(request, new PacketError(PacketError.Condition.not_acceptable, PacketError.Type.modify,
                        "a blocked JID has at most " + MAX_JID_LENGTH + " characters on this server"), serverJid);
            }
            jids.add(jid);
        }
        String username = session.username();
        if ("block".equals(name)) {
            if (jids.isEmpty()) {
                return badRequest(request);
            }
            Set<String> added;
            try {
                added = lists.block(username, jids);
            } catch (BlockListManager.TooManyException e) {
                return IqErrors.error(request, new PacketError(PacketError.Condition.not_acceptable, PacketError.Type.modify,
                        e.getMessage()), serverJid);
            }
            presence.blocked(username, added);
        } else {
            Set<String> removed = jids.isEmpty() ? lists.unblockAll(username) : lists.unblock(username, jids);
            presence.unblocked(username, removed);
        }
        return IqErrors.result(request, serverJid);
    }

    private IQ blockList(IQ request, LocalClientSession session) {
        BlockList list = lists.blockList(session.username());
        lists.listRequested(session);
        IQ reply = IqErrors.result(request, serverJid);
        Element blocklist = reply.setChildElement("blocklist", BlockListManager.NAMESPACE);
        for (String jid : list.jids()) {
            blocklist.addElement("item").addAttribute("jid", jid);
        }
        return reply;
    }

    private IQ badRequest(IQ request) {
        return IqErrors.error(request, PacketError.Condition.bad_request, serverJid);
    }

    /** The JID in its normalised form, or {@code null} if the text is not a JID. */
    private static String normalize(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return new JID(text.trim()).toString();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
