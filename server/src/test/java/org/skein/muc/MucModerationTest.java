package org.skein.muc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jivesoftware.smack.XMPPException.XMPPErrorException;
import org.jivesoftware.smack.filter.FromMatchesFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.muc.Affiliate;
import org.jivesoftware.smackx.muc.MUCAffiliation;
import org.jivesoftware.smackx.muc.MUCRole;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jivesoftware.smackx.muc.MultiUserChatManager;
import org.jivesoftware.smackx.muc.packet.GroupChatInvitation;
import org.jivesoftware.smackx.muc.packet.MUCUser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Resourcepart;

/**
 * The moderator, admin and owner side of group chat with real Smack clients: voice, moderator, kick,
 * ban, affiliations and their lists, the rules of who may do what, subject changes, invitations,
 * configuration changes told to the occupants, and destruction with an alternate venue.
 */
class MucModerationTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private MucNode1 env;

    @BeforeEach
    void start() throws Exception {
        env = new MucNode1();
    }

    @AfterEach
    void stop() throws Exception {
        env.close();
    }

    private static Resourcepart nick(String nick) throws Exception {
        return Resourcepart.from(nick);
    }

    private List<Presence> presences(XMPPTCPConnection client, String room) throws Exception {
        List<Presence> inbox = new CopyOnWriteArrayList<>();
        FromMatchesFilter fromRoom = FromMatchesFilter.create(env.room(room));
        client.addSyncStanzaListener(s -> inbox.add((Presence) s), s -> s instanceof Presence && fromRoom.accept(s));
        return inbox;
    }

    private static Presence last(List<Presence> inbox, String nick) {
        for (int i = inbox.size() - 1; i >= 0; i--) {
            if (nick.equals(inbox.get(i).getFrom().getResourceOrEmpty().toString())) {
                return inbox.get(i);
            }
        }
        return null;
    }

    /** Submits the room's configuration form with one boolean field changed (Smack 4.4.8's form manager lacks some). */
    private static void configure(MultiUserChat muc, String field, boolean value) throws Exception {
        org.jivesoftware.smackx.xdata.form.FillableForm form = muc.getConfigurationForm().getFillableForm();
        form.setAnswer(field, value);
        muc.sendConfigurationForm(form);
    }

    private static StanzaError.Condition condition(Throwable e) {
        return ((XMPPErrorException) e).getStanzaError().getCondition();
    }

    @Test
    void moderatorsGiveAndTakeVoiceAndModeratorAndEveryoneSeesIt() throws Exception {
        XMPPTCPConnection owner = env.user();
        XMPPTCPConnection b = env.user();
        XMPPTCPConnection c = env.user();
        MultiUserChat mo = env.muc(owner, "roles");
        mo.create(nick("owner"));
        configure(mo, "muc#roomconfig_moderatedroom", true);
        env.muc(b, "roles").join(nick("bob"));
        env.muc(c, "roles").join(nick("carol"));
        List<Presence> seenByC = presences(c, "roles");

        assertThat(mo.getOccupant(JidCreate.entityFullFrom(env.room("roles") + "/bob"))).isNotNull();
        await().atMost(WAIT).until(() -> mo.getOccupant(JidCreate.entityFullFrom(env.room("roles") + "/carol")) != null);
        assertThat(mo.getOccupant(JidCreate.entityFullFrom(env.room("roles") + "/bob")).getRole()).isEqualTo(MUCRole.visitor);

        // a visitor may not speak in a moderated room
        List<Message> errors = new CopyOnWriteArrayList<>();
        b.addSyncStanzaListener(s -> errors.add((Message) s), s -> s instanceof Message m && m.getType() == Message.Type.error);
        env.muc(b, "roles").sendMessage("may I?");
        await().atMost(WAIT).until(() -> errors.size() == 1);
        assertThat(errors.get(0).getError().getCondition()).isEqualTo(StanzaError.Condition.forbidden);

        mo.grantVoice(nick("bob"));
        await().atMost(WAIT).until(() -> last(seenByC, "bob") != null
                && MUCUser.from(last(seenByC, "bob")).getItem().getRole() == MUCRole.participant);
        mo.grantModerator(nick("bob"));
        await().atMost(WAIT).until(() -> MUCUser.from(last(seenByC, "bob")).getItem().getRole() == MUCRole.moderator);
        // an unaffiliated moderator gives voice but cannot make moderators or silence the owner
        MultiUserChat mb = env.muc(b, "roles");
        mb.grantVoice(nick("carol"));
        await().atMost(WAIT).until(() -> MUCUser.from(last(seenByC, "carol")).getItem().getRole() == MUCRole.participant);
        assertThatThrownBy(() -> mb.grantModerator(nick("carol"))).satisfies(e -> assertThat(condition(e))
                .isEqualTo(StanzaError.Condition.not_allowed));
        assertThatThrownBy(() -> mb.revokeVoice(nick("owner"))).satisfies(e -> assertThat(condition(e))
                .isEqualTo(StanzaError.Condition.not_allowed));
        assertThatThrownBy(() -> mb.revokeModerator(nick("owner"))).satisfies(e -> assertThat(condition(e))
                .isEqualTo(StanzaError.Condition.not_allowed));
        // a participant moderates nothing
        assertThatThrownBy(() -> env.muc(c, "roles").revokeVoice(nick("bob"))).satisfies(e -> assertThat(condition(e))
                .isEqualTo(StanzaError.Condition.forbidden));

        assertThat(mo.getModerators()).extracting(o -> o.getNick().toString()).containsExactlyInAnyOrder("owner", "bob");
        assertThat(mo.getParticipants()).extracting(o -> o.getNick().toString()).containsExactly("carol");
        mo.revokeModerator(nick("bob"));
        await().atMost(WAIT).until(() -> MUCUser.from(last(seenByC, "bob")).getItem().getRole() == MUCRole.participant);
    }

    @Test
    void kickAndBanRemoveTheOccupantWithTheirStatusCodes() throws Exception {
        XMPPTCPConnection owner = env.user();
        XMPPTCPConnection b = env.user();
        XMPPTCPConnection c = env.user();
        MultiUserChat mo = env.muc(owner, "out");
        mo.create(nick("owner")).makeInstant();
        env.muc(b, "out").join(nick("bob"));
        env.muc(c, "out").join(nick("carol"));
        List<Presence> seenByB = presences(b, "out");
        List<Presence> seenByC = presences(c, "out");

        mo.kickParticipant(nick("bob"), "behave");
        await().atMost(WAIT).until(() -> last(seenByC, "bob") != null && last(seenByB, "bob") != null);
        MUCUser toOthers = MUCUser.from(last(seenByC, "bob"));
        assertThat(last(seenByC, "bob").getType()).isEqualTo(Presence.Type.unavailable);
        assertThat(toOthers.getStatus()).contains(MUCUser.Status.KICKED_307).doesNotContain(MUCUser.Status.PRESENCE_TO_SELF_110);
        assertThat(toOthers.getItem().getRole()).isEqualTo(MUCRole.none);
        MUCUser toSelf = MUCUser.from(last(seenByB, "bob"));
        assertThat(toSelf.getStatus()).contains(MUCUser.Status.KICKED_307, MUCUser.Status.PRESENCE_TO_SELF_110);
        assertThat(toSelf.getItem().getReason()).isEqualTo("behave");
        assertThat(toSelf.getItem().getActorNick().toString()).isEqualTo("owner");
        assertThatThrownBy(() -> env.muc(c, "out").kickParticipant(nick("owner"), "no")).satisfies(e -> assertThat(condition(e))
                .isEqualTo(StanzaError.Condition.forbidden));

        mo.banUser(c.getUser().asBareJid(), "spam");
        await().atMost(WAIT).until(() -> last(seenByC, "carol") != null && last(seenByC, "carol").getType() == Presence.Type.unavailable);
        assertThat(MUCUser.from(last(seenByC, "carol")).getStatus()).contains(MUCUser.Status.BANNED_301, MUCUser.Status.PRESENCE_TO_SELF_110);
        assertThat(mo.getOutcasts()).extracting(a -> a.getJid().toString()).containsExactly(c.getUser().asBareJid().toString());
        assertThat(mo.getOccupants()).hasSize(1);
        mo.revokeMembership(c.getUser().asBareJid()); // unban: affiliation none
        env.muc(c, "out").join(nick("carol"));
    }

    @Test
    void affiliationsPersistAcrossVisitsAndOnlyOwnersAndAdminsChangeThem() throws Exception {
        XMPPTCPConnection owner = env.user();
        XMPPTCPConnection b = env.user();
        XMPPTCPConnection c = env.user();
        MultiUserChat mo = env.muc(owner, "aff");
        mo.create(nick("owner")).makeInstant();
        env.muc(b, "aff").join(nick("bob"));
        env.muc(c, "aff").join(nick("carol"));
        List<Presence> seenByC = presences(c, "aff");

        mo.grantAdmin(b.getUser().asBareJid());
        await().atMost(WAIT).until(() -> last(seenByC, "bob") != null);
        assertThat(MUCUser.from(last(seenByC, "bob")).getItem().getAffiliation()).isEqualTo(MUCAffiliation.admin);
        assertThat(MUCUser.from(last(seenByC, "bob")).getItem().getRole()).isEqualTo(MUCRole.moderator);
        assertThat(mo.getAdmins()).extracting(Affiliate::getJid).extracting(Object::toString).containsExactly(b.getUser().asBareJid().toString());
        MultiUserChat mb = env.muc(b, "aff");
        // an admin manages members but not owners or admins
        mb.grantMembership(c.getUser().asBareJid());
        await().atMost(WAIT).until(() -> MUCUser.from(last(seenByC, "carol")).getItem().getAffiliation() == MUCAffiliation.member);
        assertThat(mb.getMembers()).extracting(a -> a.getJid().toString()).containsExactly(c.getUser().asBareJid().toString());
        assertThatThrownBy(() -> mb.grantOwnership(c.getUser().asBareJid())).satisfies(e -> assertThat(condition(e))
                .isEqualTo(StanzaError.Condition.not_allowed));
        assertThatThrownBy(() -> mb.revokeOwnership(owner.getUser().asBareJid())).satisfies(e -> assertThat(condition(e))
                .isEqualTo(StanzaError.Condition.not_allowed));
        assertThatThrownBy(() -> env.muc(c, "aff").grantMembership(owner.getUser().asBareJid())).satisfies(e -> assertThat(condition(e))
                .isEqualTo(StanzaError.Condition.forbidden));
        // the last owner stays an owner
        assertThatThrownBy(() -> mo.revokeOwnership(owner.getUser().asBareJid())).satisfies(e -> assertThat(condition(e))
                .isEqualTo(StanzaError.Condition.conflict));
        mo.grantOwnership(b.getUser().asBareJid());
        assertThat(mo.getOwners()).hasSize(2);
        // an affiliation outlives the visit
        assertThat(env.mucService().room("aff").get().orElseThrow().affiliations())
                .containsEntry(c.getUser().asBareJid().toString(), Affiliation.MEMBER);
        List<Presence> seenByOwner = presences(owner, "aff");
        c.sendStanza(c.getStanzaFactory().buildPresenceStanza().to(JidCreate.from(env.room("aff") + "/carol"))
                .ofType(Presence.Type.unavailable).build());
        c.sendStanza(c.getStanzaFactory().buildPresenceStanza().to(JidCreate.from(env.room("aff") + "/carol2")).build());
        await().atMost(WAIT).until(() -> last(seenByOwner, "carol2") != null);
        assertThat(MUCUser.from(last(seenByOwner, "carol2")).getItem().getAffiliation()).isEqualTo(MUCAffiliation.member);
    }

    @Test
    void revokingMembershipOfAMembersOnlyRoomRemovesTheOccupantAndSwitchingToMembersOnlyRemovesNonMembers() throws Exception {
        XMPPTCPConnection owner = env.user();
        XMPPTCPConnection b = env.user();
        XMPPTCPConnection c = env.user();
        MultiUserChat mo = env.muc(owner, "club");
        mo.create(nick("owner")).makeInstant();
        mo.grantMembership(b.getUser().asBareJid());
        env.muc(b, "club").join(nick("bob"));
        env.muc(c, "club").join(nick("carol"));
        List<Presence> seenByB = presences(b, "club");
        List<Presence> seenByC = presences(c, "club");
        List<Message> notices = new CopyOnWriteArrayList<>();
        b.addSyncStanzaListener(s -> notices.add((Message) s), s -> s instanceof Message m && MUCUser.from(m) != null
                && !MUCUser.from(m).getStatus().isEmpty());

        mo.getConfigFormManager().makeMembersOnly().submitConfigurationForm();
        await().atMost(WAIT).until(() -> last(seenByC, "carol") != null);
        assertThat(last(seenByC, "carol").getType()).isEqualTo(Presence.Type.unavailable);
        assertThat(MUCUser.from(last(seenByC, "carol")).getStatus()).contains(MUCUser.Status.create(322));
        await().atMost(WAIT).until(() -> notices.size() == 1);
        assertThat(MUCUser.from(notices.get(0)).getStatus()).contains(MUCUser.Status.create(104));

        mo.revokeMembership(b.getUser().asBareJid());
        await().atMost(WAIT).until(() -> last(seenByB, "bob") != null);
        assertThat(last(seenByB, "bob").getType()).isEqualTo(Presence.Type.unavailable);
        assertThat(MUCUser.from(last(seenByB, "bob")).getStatus()).contains(MUCUser.Status.REMOVED_AFFIL_CHANGE_321);
    }

    @Test
    void onlyModeratorsChangeTheSubjectUnlessTheRoomAllowsIt() throws Exception {
        XMPPTCPConnection owner = env.user();
        XMPPTCPConnection b = env.user();
        MultiUserChat mo = env.muc(owner, "topic");
        mo.create(nick("owner")).makeInstant();
        MultiUserChat mb = env.muc(b, "topic");
        mb.join(nick("bob"));
        // Smack 4.4.8 waits for a reflected subject only (4.5 also takes the error): read the error directly
        List<Message> errors = new CopyOnWriteArrayList<>();
        b.addSyncStanzaListener(s -> errors.add((Message) s), s -> s instanceof Message m && m.getType() == Message.Type.error);
        b.sendStanza(b.getStanzaFactory().buildMessageStanza().to(env.room("topic")).ofType(Message.Type.groupchat)
                .setSubject("mine").build());
        await().atMost(WAIT).until(() -> errors.size() == 1);
        assertThat(errors.get(0).getError().getCondition()).isEqualTo(StanzaError.Condition.forbidden);
        assertThat(errors.get(0).getSubject()).isEqualTo("mine");
        configure(mo, "muc#roomconfig_changesubject", true);
        mb.changeSubject("ours");
        await().atMost(WAIT).until(() -> "ours".equals(mo.getSubject()));
    }

    @Test
    void invitationsReachTheInviteeMediatedAndDirect() throws Exception {
        XMPPTCPConnection owner = env.user();
        XMPPTCPConnection b = env.user();
        MultiUserChat mo = env.muc(owner, "party");
        mo.create(nick("owner")).getConfigFormManager().makeMembersOnly().submitConfigurationForm();
        List<String> invitations = new CopyOnWriteArrayList<>();
        MultiUserChatManager.getInstanceFor(b).addInvitationListener((conn, room, inviter, reason, password, message, invite) ->
                invitations.add(room.getRoom() + "|" + inviter + "|" + reason));
        mo.invite(b.getUser().asEntityBareJid(), "come");
        await().atMost(WAIT).until(() -> invitations.size() == 1);
        assertThat(invitations.get(0)).isEqualTo(env.room("party") + "|" + owner.getUser() + "|come");
        // the invitation to a members-only room made the invitee a member: it may enter
        env.muc(b, "party").join(nick("bob"));

        // XEP-0249: the invitation goes from user to user, the server only routes it
        List<Message> direct = new CopyOnWriteArrayList<>();
        b.addSyncStanzaListener(s -> direct.add((Message) s), s -> s instanceof Message m
                && m.getExtensionElement(GroupChatInvitation.ELEMENT, GroupChatInvitation.NAMESPACE) != null);
        owner.sendStanza(owner.getStanzaFactory().buildMessageStanza().to(b.getUser())
                .addExtension(new GroupChatInvitation(env.room("party").toString())).build());
        await().atMost(WAIT).until(() -> direct.size() == 1);
        assertThat(direct.get(0).getFrom().toString()).isEqualTo(owner.getUser().toString());
    }

    @Test
    void destroyingARoomTellsEveryOccupantWithTheAlternateVenue() throws Exception {
        XMPPTCPConnection owner = env.user();
        XMPPTCPConnection b = env.user();
        MultiUserChat mo = env.muc(owner, "doomed");
        mo.create(nick("owner")).makeInstant();
        env.muc(b, "doomed").join(nick("bob"));
        List<Presence> seenByB = presences(b, "doomed");
        assertThatThrownBy(() -> env.muc(b, "doomed").destroy("mine now", null)).satisfies(e -> assertThat(condition(e))
                .isEqualTo(StanzaError.Condition.forbidden));
        mo.destroy("moving", env.room("newplace"));
        await().atMost(WAIT).until(() -> seenByB.stream().anyMatch(p -> MUCUser.from(p).getDestroy() != null));
        Presence destroyed = seenByB.stream().filter(p -> MUCUser.from(p).getDestroy() != null).findFirst().orElseThrow();
        MUCUser x = MUCUser.from(destroyed);
        assertThat(destroyed.getType()).isEqualTo(Presence.Type.unavailable);
        assertThat(destroyed.getFrom().toString()).isEqualTo(env.room("doomed") + "/bob");
        assertThat(x.getDestroy().getJid().toString()).isEqualTo(env.room("newplace").toString());
        assertThat(x.getDestroy().getReason()).isEqualTo("moving");
        await().atMost(WAIT).until(() -> env.mucService().room("doomed").get().isEmpty());
    }
}
