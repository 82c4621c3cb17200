package org.skein.muc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.jivesoftware.smack.filter.FromMatchesFilter;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.jivesoftware.smackx.disco.packet.DiscoverInfo;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jivesoftware.smackx.muc.MultiUserChatManager;
import org.jivesoftware.smackx.muc.RoomInfo;
import org.jivesoftware.smackx.muc.packet.MUCUser;
import org.jivesoftware.smackx.xdata.form.FillableForm;
import org.jivesoftware.smackx.xdata.form.Form;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.parts.Resourcepart;
import org.skein.XmppServer;
import org.skein.c2s.SmackClients;

/**
 * Rooms as a whole: the configuration form and what it changes (disco features, the room list,
 * anonymity, status codes on entering), persistent rooms surviving a restart of the node, and the
 * plugin API.
 */
class MucRoomTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static Resourcepart nick(String nick) throws Exception {
        return Resourcepart.from(nick);
    }

    private static List<Presence> presences(XMPPTCPConnection client, MucNode1 env, String room) throws Exception {
        List<Presence> inbox = new CopyOnWriteArrayList<>();
        FromMatchesFilter fromRoom = FromMatchesFilter.create(env.room(room));
        client.addSyncStanzaListener(s -> inbox.add((Presence) s), s -> s instanceof Presence && fromRoom.accept(s));
        return inbox;
    }

    @Test
    void theConfigurationFormChangesWhatTheRoomIsAndHowItIsListed() throws Exception {
        try (MucNode1 env = new MucNode1()) {
            XMPPTCPConnection owner = env.user();
            XMPPTCPConnection other = env.user();
            MultiUserChat mo = env.muc(owner, "reserved");
            mo.create(nick("owner"));
            Form form = mo.getConfigurationForm();
            assertThat(form.getDataForm().getFields()).extracting(f -> f.getFieldName()).contains(
                    "muc#roomconfig_roomname", "muc#roomconfig_roomdesc", "muc#roomconfig_persistentroom", "muc#roomconfig_publicroom",
                    "muc#roomconfig_membersonly", "muc#roomconfig_moderatedroom", "muc#roomconfig_passwordprotectedroom",
                    "muc#roomconfig_roomsecret", "muc#roomconfig_maxusers", "muc#roomconfig_whois", "muc#roomconfig_changesubject",
                    "muc#roomconfig_allowinvites", "muc#roomconfig_allowpm", "muc#roomconfig_enablelogging", "muc#maxhistoryfetch",
                    "muc#roomconfig_roomowners", "muc#roomconfig_roomadmins");
            FillableForm answer = form.getFillableForm();
            answer.setAnswer("muc#roomconfig_roomname", "The Reserved Room");
            answer.setAnswer("muc#roomconfig_roomdesc", "for tests");
            answer.setAnswer("muc#roomconfig_whois", "anyone");
            answer.setAnswer("muc#roomconfig_enablelogging", true);
            answer.setAnswer("muc#maxhistoryfetch", "5");
            mo.sendConfigurationForm(answer);

            RoomInfo info = MultiUserChatManager.getInstanceFor(other).getRoomInfo(env.room("reserved"));
            assertThat(info.getName()).isEqualTo("The Reserved Room");
            assertThat(info.getDescription()).isEqualTo("for tests");
            assertThat(info.isPersistent()).isFalse();
            assertThat(info.isMembersOnly()).isFalse();
            assertThat(info.getOccupantsCount()).isEqualTo(1);
            DiscoverInfo disco = ServiceDiscoveryManager.getInstanceFor(other).discoverInfo(env.room("reserved"));
            assertThat(disco.containsFeature("muc_nonanonymous")).isTrue();
            assertThat(disco.containsFeature("muc_public")).isTrue();
            assertThat(disco.containsFeature("urn:xmpp:occupant-id:0")).isTrue();

            // entering a non-anonymous, logged room: status 100 and 170 in the self-presence; everyone sees real JIDs
            List<Presence> seen = presences(other, env, "reserved");
            env.muc(other, "reserved").join(nick("other"));
            await().atMost(WAIT).until(() -> seen.stream().anyMatch(p -> MUCUser.from(p).getStatus().contains(MUCUser.Status.PRESENCE_TO_SELF_110)));
            Presence self = seen.stream().filter(p -> MUCUser.from(p).getStatus().contains(MUCUser.Status.PRESENCE_TO_SELF_110))
                    .findFirst().orElseThrow();
            assertThat(MUCUser.from(self).getStatus()).contains(MUCUser.Status.create(100), MUCUser.Status.create(170));
            Presence ownerSeen = seen.stream().filter(p -> p.getFrom().getResourceOrEmpty().toString().equals("owner")).findFirst().orElseThrow();
            assertThat(MUCUser.from(ownerSeen).getItem().getJid().toString()).isEqualTo(owner.getUser().toString());

            // hidden rooms are not listed
            MultiUserChat hidden = env.muc(owner, "hidden");
            hidden.create(nick("owner"));
            FillableForm hide = hidden.getConfigurationForm().getFillableForm();
            hide.setAnswer("muc#roomconfig_publicroom", false);
            hidden.sendConfigurationForm(hide);
            assertThat(MultiUserChatManager.getInstanceFor(other).getRoomsHostedBy(env.room("x").asDomainBareJid()))
                    .containsKey(env.room("reserved")).doesNotContainKey(env.room("hidden"));
        }
    }

    @Test
    void inASemiAnonymousRoomOnlyModeratorsSeeRealJids() throws Exception {
        try (MucNode1 env = new MucNode1()) {
            XMPPTCPConnection owner = env.user();
            XMPPTCPConnection b = env.user();
            XMPPTCPConnection c = env.user();
            env.muc(owner, "semi").create(nick("owner")).makeInstant();
            List<Presence> seenByOwner = presences(owner, env, "semi");
            List<Presence> seenByB = presences(b, env, "semi");
            env.muc(b, "semi").join(nick("bob"));
            env.muc(c, "semi").join(nick("carol"));
            await().atMost(WAIT).until(() -> seenByOwner.stream().anyMatch(p -> p.getFrom().getResourceOrEmpty().toString().equals("carol"))
                    && seenByB.stream().anyMatch(p -> p.getFrom().getResourceOrEmpty().toString().equals("carol")));
            Presence carolToOwner = seenByOwner.stream().filter(p -> p.getFrom().getResourceOrEmpty().toString().equals("carol")).findFirst().orElseThrow();
            Presence carolToBob = seenByB.stream().filter(p -> p.getFrom().getResourceOrEmpty().toString().equals("carol")).findFirst().orElseThrow();
            assertThat(MUCUser.from(carolToOwner).getItem().getJid().toString()).isEqualTo(c.getUser().toString());
            assertThat((Object) MUCUser.from(carolToBob).getItem().getJid()).isNull();
        }
    }

    @Test
    void aPersistentRoomOutlivesItsOccupantsAndARestartOfTheNode() throws Exception {
        try (MucNode1 env = new MucNode1()) {
            XMPPTCPConnection owner = env.user();
            XMPPTCPConnection member = env.user();
            String ownerName = owner.getUser().getLocalpart().toString();
            String memberName = member.getUser().getLocalpart().toString();
            MultiUserChat mo = env.muc(owner, "forever");
            mo.create(nick("owner"));
            FillableForm answer = mo.getConfigurationForm().getFillableForm();
            answer.setAnswer("muc#roomconfig_persistentroom", true);
            answer.setAnswer("muc#roomconfig_membersonly", true);
            answer.setAnswer("muc#roomconfig_roomname", "Forever");
            mo.sendConfigurationForm(answer);
            mo.grantMembership(member.getUser().asBareJid());
            mo.changeSubject("still here");

            env.clients.close();
            env.nodes.close();
            XmppServer again = env.nodes.start("node", Map.of("xmpp.sasl.failureDelay", "20ms"));
            try (SmackClients clients = new SmackClients(again)) {
                XMPPTCPConnection m = clients.login(memberName, "secret", "r");
                MultiUserChat mm = MultiUserChatManager.getInstanceFor(m).getMultiUserChat(env.room("forever"));
                mm.join(nick("member"));
                await().atMost(WAIT).until(() -> "still here".equals(mm.getSubject()));
                RoomInfo info = MultiUserChatManager.getInstanceFor(m).getRoomInfo(env.room("forever"));
                assertThat(info.getName()).isEqualTo("Forever");
                assertThat(info.isPersistent()).isTrue();
                assertThat(info.isMembersOnly()).isTrue();
                RoomDetails details = again.multiUserChat().service(env.service()).orElseThrow().room("forever").get().orElseThrow();
                assertThat(details.affiliations()).containsEntry(ownerName + "@localhost", Affiliation.OWNER)
                        .containsEntry(memberName + "@localhost", Affiliation.MEMBER);
                assertThat(clients.login(ownerName, "secret", "r")).isNotNull();
            }
        }
    }

    @Test
    void pluginsCreateConfigureAndDestroyRoomsThroughTheServiceApi() throws Exception {
        try (MucNode1 env = new MucNode1()) {
            MucService service = env.mucService();
            XMPPTCPConnection user = env.user();
            String bare = user.getUser().asBareJid().toString();
            RoomDetails created = service.createRoom("Announcements", RoomConfig.builder().name("News").persistent(true)
                    .moderated(true).build(), "admin@localhost").get();
            assertThat(created.room()).isEqualTo("announcements@" + env.service());
            assertThat(created.locked()).isFalse();
            assertThat(created.affiliations()).containsEntry("admin@localhost", Affiliation.OWNER);
            assertThatThrownBy(() -> service.createRoom("announcements", RoomConfig.defaults(), "admin@localhost").get())
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> service.createRoom("bad room@", RoomConfig.defaults(), "admin@localhost").get())
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IllegalArgumentException.class);

            MultiUserChat mu = env.muc(user, "announcements");
            List<Presence> seen = presences(user, env, "announcements");
            mu.join(nick("reader"));
            await().atMost(WAIT).until(() -> seen.size() == 1);
            assertThat(MUCUser.from(seen.get(0)).getItem().getRole().toString()).isEqualTo("visitor");
            service.setAffiliation("announcements", bare, Affiliation.MEMBER).get();
            await().atMost(WAIT).until(() -> seen.size() == 2);
            assertThat(MUCUser.from(seen.get(1)).getItem().getRole().toString()).isEqualTo("participant");
            assertThat(MUCUser.from(seen.get(1)).getItem().getAffiliation().toString()).isEqualTo("member");
            assertThatThrownBy(() -> service.setAffiliation("announcements", "admin@localhost", Affiliation.NONE).get())
                    .hasCauseInstanceOf(IllegalStateException.class);

            RoomDetails configured = service.configureRoom("announcements", created.config().toBuilder().name("Headlines").build()).get();
            assertThat(configured.config().name()).isEqualTo("Headlines");
            assertThat(configured.occupants()).extracting(OccupantInfo::nick).containsExactly("reader");
            assertThat(service.rooms()).extracting(RoomSummary::room).contains("announcements@" + env.service());
            assertThat(service.rooms()).filteredOn(s -> s.room().startsWith("announcements@")).first()
                    .satisfies(s -> {
                        assertThat(s.name()).isEqualTo("Headlines");
                        assertThat(s.active()).isTrue();
                        assertThat(s.persistent()).isTrue();
                    });

            assertThat(service.destroyRoom("announcements", "gone", null).get()).isTrue();
            await().atMost(WAIT).until(() -> seen.stream().anyMatch(p -> MUCUser.from(p).getDestroy() != null));
            assertThat(service.room("announcements").get()).isEmpty();
            assertThat(service.destroyRoom("announcements", "gone", null).get()).isFalse();
            assertThat(service.rooms()).extracting(RoomSummary::room).doesNotContain("announcements@" + env.service());
        }
    }
}
