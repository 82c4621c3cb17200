package org.skein.muc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.dom4j.Element;
import org.dom4j.QName;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;
import org.xmpp.packet.PacketError;
import org.xmpp.packet.Presence;

/**
 * The moderator, admin and owner use cases of a room (XEP-0045 sections 8 to 10): roles by nickname
 * (kick, voice, moderator), affiliations by bare JID (ban, member, admin, owner) and their lists, the
 * configuration form, and destruction. Runs on the room's thread.
 *
 * <h2>Who may do what</h2>
 * Moderators change voice and kick; admins and owners also grant and revoke moderator, and change the
 * affiliations of members and everyone below; owners change any affiliation and the configuration.
 * Nobody lowers the role of an admin or owner (they are moderators by their affiliation) and the last
 * owner stays an owner.
 */
final class RoomAdministration {

    private final Room room;

    RoomAdministration(Room room) {
        this.room = room;
    }

    // --- muc#admin ---

    void admin(IQ iq, RoomOutput.Recipient sender, RoomOutput out) {
        List<Element> items = iq.getChildElement().elements("item");
        if (items.isEmpty()) {
            out.send(MucXml.iqError(iq, PacketError.Condition.bad_request), sender);
            return;
        }
        if (iq.getType() == IQ.Type.get) {
            list(iq, items.get(0), sender, out);
            return;
        }
        for (Element item : items) {
            PacketError.Condition error;
            try {
                if (item.attributeValue("role") != null && item.attributeValue("nick") != null) {
                    error = changeRole(sender, item, out);
                } else if (item.attributeValue("affiliation") != null && item.attributeValue("jid") != null) {
                    error = changeAffiliation(sender.jid().toBareJID(), actorNick(sender), item, out);
                } else {
                    error = PacketError.Condition.bad_request;
                }
            } catch (IllegalArgumentException e) {
                error = PacketError.Condition.bad_request;
            }
            if (error != null) {
                out.send(MucXml.iqError(iq, error), sender);
                return;
            }
        }
        out.send(IQ.createResultIQ(iq), sender);
    }

    private String actorNick(RoomOutput.Recipient sender) {
        Occupant actor = room.bySession.get(sender.jid().toString());
        return actor == null ? null : actor.nick;
    }

    private void list(IQ iq, Element item, RoomOutput.Recipient sender, RoomOutput out) {
        IQ reply = IQ.createResultIQ(iq);
        Element query = reply.setChildElement("query", MucXml.ADMIN);
        String affiliationValue = item.attributeValue("affiliation");
        String roleValue = item.attributeValue("role");
        try {
            if (affiliationValue != null) {
                Affiliation wanted = Affiliation.fromXml(affiliationValue);
                if (!room.affiliationOf(sender.jid().toBareJID()).isAtLeast(Affiliation.ADMIN) || wanted == Affiliation.NONE) {
                    out.send(MucXml.iqError(iq, wanted == Affiliation.NONE ? PacketError.Condition.bad_request
                            : PacketError.Condition.forbidden), sender);
                    return;
                }
                room.record.affiliations().forEach((jid, affiliation) -> {
                    if (affiliation == wanted) {
                        query.addElement("item").addAttribute("affiliation", affiliation.xmlValue()).addAttribute("jid", jid);
                    }
                });
            } else if (roleValue != null) {
                Role wanted = Role.fromXml(roleValue);
                Occupant actor = room.bySession.get(sender.jid().toString());
                if (actor == null || !actor.isModerator()) {
                    out.send(MucXml.iqError(iq, PacketError.Condition.forbidden), sender);
                    return;
                }
                for (Occupant o : room.byNick.values()) {
                    if (o.role == wanted) {
                        Element i = query.addElement("item").addAttribute("affiliation", o.affiliation.xmlValue())
                                .addAttribute("role", o.role.xmlValue()).addAttribute("nick", o.nick);
                        if (room.seesJids(actor)) {
                            i.addAttribute("jid", o.latest().jid.toString());
                        }
                    }
                }
            } else {
                out.send(MucXml.iqError(iq, PacketError.Condition.bad_request), sender);
                return;
            }
        } catch (IllegalArgumentException e) {
            out.send(MucXml.iqError(iq, PacketError.Condition.bad_request), sender);
            return;
        }
        out.send(reply, sender);
    }

    /** Kick, voice, moderator: returns the error, or {@code null} when done. */
    private PacketError.Condition changeRole(RoomOutput.Recipient sender, Element item, RoomOutput out) {
        Occupant actor = room.bySession.get(sender.jid().toString());
        if (actor == null || !actor.isModerator()) {
            return PacketError.Condition.forbidden;
        }
        Role wanted = Role.fromXml(item.attributeValue("role"));
        Occupant target = room.byNick.get(item.attributeValue("nick"));
        if (target == null) {
            return PacketError.Condition.item_not_found;
        }
        String reason = item.elementText("reason");
        boolean actorIsAdmin = actor.affiliation.isAtLeast(Affiliation.ADMIN);
        boolean targetIsAdmin = target.affiliation.isAtLeast(Affiliation.ADMIN);
        switch (wanted) {
            case NONE -> {
                if (targetIsAdmin || target.affiliation.isHigherThan(actor.affiliation)) {
                    return PacketError.Condition.not_allowed;
                }
                kick(target, actor.nick, reason, out);
                return null;
            }
            case VISITOR -> {
                if (targetIsAdmin || (target.isModerator() && !actorIsAdmin)) {
                    return PacketError.Condition.not_allowed;
                }
            }
            case PARTICIPANT -> {
                if (target.isModerator() && (targetIsAdmin || !actorIsAdmin)) {
                    return PacketError.Condition.not_allowed;
                }
            }
            case MODERATOR -> {
                if (!actorIsAdmin) {
                    return PacketError.Condition.not_allowed;
                }
            }
            default -> {
                return PacketError.Condition.bad_request;
            }
        }
        if (target.role != wanted) {
            target.role = wanted;
            room.broadcastPresence(target, null, null, null, Set.of(), Set.of(), reasonAndActor(reason, actor.nick), null, List.of(), out);
            out.occupantChanged(target);
        }
        return null;
    }

    private static java.util.function.Consumer<Element> reasonAndActor(String reason, String actorNick) {
        return item -> {
            if (actorNick != null) {
                item.addElement("actor").addAttribute("nick", actorNick);
            }
            if (reason != null) {
                item.addElement("reason").setText(reason);
            }
        };
    }

    private void kick(Occupant target, String actorNick, String reason, RoomOutput out) {
        List<RoomOutput.Recipient> self = Room.sessionsOf(target);
        room.removeOccupant(target);
        target.role = Role.NONE;
        room.broadcastPresence(target, Presence.Type.unavailable, null, null, Set.of(MucXml.KICKED), Set.of(),
                reasonAndActor(reason, actorNick), null, self, out);
        out.occupantRemoved(target.nick);
    }

    /**
     * Sets the affiliation of a bare JID on behalf of {@code actorBare} (who need not be in the room):
     * returns the error, or {@code null} when done. Occupants of that user are updated, or removed when
     * banned (301) or no longer members of a members-only room (321).
     */
    PacketError.Condition changeAffiliation(String actorBare, String actorNick, Element item, RoomOutput out) {
        Affiliation wanted = Affiliation.fromXml(item.attributeValue("affiliation"));
        JID target = new JID(item.attributeValue("jid").trim());
        return setAffiliation(actorBare == null ? null : room.affiliationOf(actorBare), actorNick, target.toBareJID(), wanted,
                item.elementText("reason"), out);
    }

    /** @param actor the actor's affiliation, {@code null} for the server itself (plugin API, admin console) */
    PacketError.Condition setAffiliation(Affiliation actor, String actorNick, String targetBare, Affiliation wanted, String reason,
                                         RoomOutput out) {
        Affiliation current = room.affiliationOf(targetBare);
        if (actor != null && actor != Affiliation.OWNER) {
            if (actor != Affiliation.ADMIN) {
                return PacketError.Condition.forbidden;
            }
            if (current.isAtLeast(Affiliation.ADMIN) || wanted.isAtLeast(Affiliation.ADMIN)) {
                return PacketError.Condition.not_allowed;
            }
        }
        if (current == Affiliation.OWNER && wanted != Affiliation.OWNER
                && RoomConfigForm.affiliated(room.record, Affiliation.OWNER).size() == 1) {
            return PacketError.Condition.conflict; // a room keeps at least one owner
        }
        if (current == wanted) {
            return null;
        }
        Map<String, Affiliation> affiliations = new HashMap<>(room.record.affiliations());
        affiliations.put(targetBare, wanted);
        room.saveRecord(room.record.withAffiliations(affiliations));
        for (Occupant o : new ArrayList<>(room.byNick.values())) {
            if (!o.bareJid.equals(targetBare)) {
                continue;
            }
            Affiliation before = o.affiliation;
            o.affiliation = wanted;
            if (wanted == Affiliation.OUTCAST) {
                removeWith(o, MucXml.BANNED, actorNick, reason, out);
            } else if (room.config().membersOnly() && !wanted.isAtLeast(Affiliation.MEMBER)) {
                removeWith(o, MucXml.REMOVED_AFFILIATION, actorNick, reason, out);
            } else {
                o.role = roleAfter(o, before, wanted);
                room.broadcastPresence(o, null, null, null, Set.of(), Set.of(), reasonAndActor(reason, actorNick), null, List.of(), out);
                out.occupantChanged(o);
            }
        }
        return null;
    }

    private Role roleAfter(Occupant o, Affiliation before, Affiliation after) {
        if (after.isAtLeast(Affiliation.ADMIN)) {
            return Role.MODERATOR;
        }
        if (before.isAtLeast(Affiliation.ADMIN)) {
            return room.defaultRole(after);
        }
        if (after == Affiliation.MEMBER && o.role == Role.VISITOR) {
            return Role.PARTICIPANT;
        }
        return o.role;
    }

    private void removeWith(Occupant o, int code, String actorNick, String reason, RoomOutput out) {
        List<RoomOutput.Recipient> self = Room.sessionsOf(o);
        room.removeOccupant(o);
        o.role = Role.NONE;
        room.broadcastPresence(o, Presence.Type.unavailable, null, null, Set.of(code), Set.of(), reasonAndActor(reason, actorNick),
                null, self, out);
        out.occupantRemoved(o.nick);
    }

    // --- muc#owner ---

    void owner(IQ iq, RoomOutput.Recipient sender, RoomOutput out) {
        if (room.affiliationOf(sender.jid().toBareJID()) != Affiliation.OWNER) {
            out.send(MucXml.iqError(iq, PacketError.Condition.forbidden), sender);
            return;
        }
        Element query = iq.getChildElement();
        if (iq.getType() == IQ.Type.get) {
            IQ reply = IQ.createResultIQ(iq);
            reply.setChildElement("query", MucXml.OWNER).add(RoomConfigForm.build(room.record));
            out.send(reply, sender);
            return;
        }
        Element destroy = query.element("destroy");
        if (destroy != null) {
            destroy(destroy.attributeValue("jid"), destroy.elementText("reason"), destroy.elementText("password"), out);
            out.send(IQ.createResultIQ(iq), sender);
            return;
        }
        Element x = query.element(QName.get("x", MucXml.DATA));
        if (x == null) {
            out.send(MucXml.iqError(iq, PacketError.Condition.bad_request), sender);
            return;
        }
        if ("cancel".equals(x.attributeValue("type"))) {
            if (room.record.locked()) {
                destroy(null, null, null, out); // the creator gave up on a new room
            }
            out.send(IQ.createResultIQ(iq), sender);
            return;
        }
        Map<String, List<String>> values = DataForms.submitted(x);
        if (!"submit".equals(x.attributeValue("type")) || values == null) {
            out.send(MucXml.iqError(iq, PacketError.Condition.bad_request), sender);
            return;
        }
        PacketError.Condition error = configure(values, sender, out);
        out.send(error == null ? IQ.createResultIQ(iq) : MucXml.iqError(iq, error), sender);
    }

    private PacketError.Condition configure(Map<String, List<String>> values, RoomOutput.Recipient sender, RoomOutput out) {
        RoomConfig config;
        try {
            config = RoomConfigForm.apply(room.config(), values);
        } catch (IllegalArgumentException e) {
            return PacketError.Condition.not_acceptable;
        }
        List<String> owners = jids(values.get(RoomConfigForm.OWNERS));
        if (owners != null && owners.isEmpty()) {
            return PacketError.Condition.not_acceptable; // a room keeps at least one owner
        }
        apply(config, owners, jids(values.get(RoomConfigForm.ADMINS)), room.affiliationOf(sender.jid().toBareJID()), actorNick(sender), out);
        return null;
    }

    private static List<String> jids(List<String> values) {
        if (values == null) {
            return null;
        }
        Set<String> jids = new LinkedHashSet<>();
        for (String v : values) {
            if (!v.isBlank()) {
                jids.add(new JID(v.trim()).toBareJID());
            }
        }
        return new ArrayList<>(jids);
    }

    /**
     * Applies a new configuration (and, when given, the complete lists of owners and admins): unlocks a
     * new room, writes the room where it must live, tells the occupants (104, 172/173) and removes those
     * a members-only room no longer admits (322).
     */
    void apply(RoomConfig config, List<String> owners, List<String> admins, Affiliation actor, String actorNick, RoomOutput out) {
        RoomConfig before = room.config();
        boolean wasLocked = room.record.locked();
        room.saveRecord(room.record.withConfig(config).withLocked(false));
        if (owners != null) {
            replaceList(Affiliation.OWNER, owners, actor, actorNick, out);
        }
        if (admins != null) {
            replaceList(Affiliation.ADMIN, admins, actor, actorNick, out);
        }
        if (wasLocked) {
            return; // nobody else is in a new room yet
        }
        Set<Integer> codes = new java.util.TreeSet<>();
        codes.add(MucXml.CONFIG_CHANGED);
        if (before.whois() != config.whois()) {
            codes.add(config.whois() == RoomConfig.Whois.ANYONE ? MucXml.NOW_NON_ANONYMOUS : MucXml.NOW_SEMI_ANONYMOUS);
        }
        Message notice = new Message();
        notice.setType(Message.Type.groupchat);
        notice.setFrom(room.address);
        Element x = notice.getElement().addElement(QName.get("x", MucXml.USER));
        for (int code : codes) {
            x.addElement("status").addAttribute("code", Integer.toString(code));
        }
        out.send(notice, room.everyone());
        if (config.membersOnly() && !before.membersOnly()) {
            for (Occupant o : new ArrayList<>(room.byNick.values())) {
                if (!o.affiliation.isAtLeast(Affiliation.MEMBER)) {
                    removeWith(o, MucXml.REMOVED_MEMBERS_ONLY, actorNick, null, out);
                }
            }
        }
    }

    private void replaceList(Affiliation affiliation, List<String> jids, Affiliation actor, String actorNick, RoomOutput out) {
        Set<String> wanted = new HashSet<>(jids);
        for (String jid : jids) {
            setAffiliation(actor, actorNick, jid, affiliation, null, out);
        }
        for (String current : RoomConfigForm.affiliated(room.record, affiliation)) {
            if (!wanted.contains(current)) {
                setAffiliation(actor, actorNick, current, Affiliation.NONE, null, out);
            }
        }
    }

    /**
     * Destroys the room: every occupant is removed with the {@code destroy} element (and the alternate
     * venue, when given), the room is forgotten everywhere, and the actor closes.
     */
    void destroy(String alternate, String reason, String password, RoomOutput out) {
        for (Occupant o : new ArrayList<>(room.byNick.values())) {
            List<RoomOutput.Recipient> sessions = Room.sessionsOf(o);
            room.removeOccupant(o);
            o.role = Role.NONE;
            o.affiliation = Affiliation.NONE;
            Presence gone = room.occupantPresence(o, Presence.Type.unavailable, null, null, false, Set.of(MucXml.SELF), null, x -> {
                Element d = x.addElement("destroy");
                if (alternate != null && !alternate.isBlank()) {
                    d.addAttribute("jid", alternate.trim());
                }
                if (reason != null) {
                    d.addElement("reason").setText(reason);
                }
                if (password != null) {
                    d.addElement("password").setText(password);
                }
            });
            out.send(gone, sessions);
            out.occupantRemoved(o.nick);
        }
        room.rooms.forget(room, room.record);
        room.record = null;
        room.history.clear();
        try {
            room.rooms.node().archive.roomStore().removeAll(room.jid); // a destroyed room's archive goes with it
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(RoomAdministration.class).warn("The archive of destroyed room {} was not removed", room.jid, e);
        }
        room.close();
    }
}
