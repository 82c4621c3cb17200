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
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.jivesoftware.smackx.disco.packet.DiscoverInfo;
import org.jivesoftware.smackx.muc.MUCAffiliation;
import org.jivesoftware.smackx.muc.MUCRole;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jivesoftware.smackx.muc.MultiUserChatManager;
import org.jivesoftware.smackx.muc.packet.MUCUser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Resourcepart;

/**
 * The occupant's side of group chat with real Smack clients on one node: discovering the service,
 * creating and entering rooms, the errors on entering, messages, nickname changes, private messages,
 * subject and history, leaving, self-ping and occupant ids.
 */
class MucOccupantTest {

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

    /** Every message with a body from the room, in order of arrival (a listener on the reader thread). */
    private List<Message> groupchat(XMPPTCPConnection client, String room) throws Exception {
        List<Message> inbox = new CopyOnWriteArrayList<>();
        FromMatchesFilter fromRoom = FromMatchesFilter.create(env.room(room));
        client.addSyncStanzaListener(s -> inbox.add((Message) s),
                s -> s instanceof Message m && m.getType() == Message.Type.groupchat && m.getBody() != null && fromRoom.accept(s));
        return inbox;
    }

    /** Every presence from the room, in order of arrival. */
    private List<Presence> presences(XMPPTCPConnection client, String room) throws Exception {
        List<Presence> inbox = new CopyOnWriteArrayList<>();
        FromMatchesFilter fromRoom = FromMatchesFilter.create(env.room(room));
        client.addSyncStanzaListener(s -> inbox.add((Presence) s), s -> s instanceof Presence && fromRoom.accept(s));
        return inbox;
    }

    /**
     * Sends presence to an occupant JID (entering, changing nickname, leaving) without Smack's MUC
     * object: Smack 4.4.8 takes its own lock in a listener while it waits in changeNickname and leave,
     * and stalls on a server that sends status codes in self-presence, as XEP-0045 asks.
     */
    private void presenceTo(XMPPTCPConnection client, String room, String nick, Presence.Type type) throws Exception {
        client.sendStanza(client.getStanzaFactory().buildPresenceStanza().to(JidCreate.from(env.room(room) + "/" + nick))
                .ofType(type).build());
    }

    /** The last presence from a nickname, or {@code null}. */
    private static Presence from(List<Presence> inbox, String nick) {
        for (int i = inbox.size() - 1; i >= 0; i--) {
            if (nick.equals(inbox.get(i).getFrom().getResourceOrEmpty().toString()) && inbox.get(i).getType() != Presence.Type.error) {
                return inbox.get(i);
            }
        }
        return null;
    }

    /** An IQ that must be answered with a result (or throws the error). */
    private static void ping(XMPPTCPConnection client, String to) throws Exception {
        org.jivesoftware.smackx.ping.packet.Ping ping = new org.jivesoftware.smackx.ping.packet.Ping(JidCreate.from(to));
        client.createStanzaCollectorAndSend(ping).nextResultOrThrow();
    }

    @Test
    void theServiceIsFoundFromTheServerAndDescribesItself() throws Exception {
        XMPPTCPConnection a = env.user();
        assertThat(MultiUserChatManager.getInstanceFor(a).getMucServiceDomains()).extracting(Object::toString)
                .containsExactly(env.service());
        DiscoverInfo info = ServiceDiscoveryManager.getInstanceFor(a).discoverInfo(JidCreate.from(env.service()));
        assertThat(info.getIdentities()).anySatisfy(i -> {
            assertThat(i.getCategory()).isEqualTo("conference");
            assertThat(i.getType()).isEqualTo("text");
        });
        assertThat(info.containsFeature("http://jabber.org/protocol/muc")).isTrue();
    }

    @Test
    void anInstantRoomCarriesMessagesToEveryOccupantInOneOrderWithStanzaAndOccupantIds() throws Exception {
        XMPPTCPConnection a = env.user();
        XMPPTCPConnection b = env.user();
        MultiUserChat ma = env.muc(a, "lobby");
        MultiUserChat mb = env.muc(b, "lobby");
        ma.create(nick("alice")).makeInstant();
        mb.join(nick("bob"));
        List<Message> seenByA = groupchat(a, "lobby");
        List<Message> seenByB = groupchat(b, "lobby");

        for (int i = 0; i < 20; i++) {
            (i % 2 == 0 ? ma : mb).sendMessage("m" + i);
        }
        await().atMost(WAIT).until(() -> seenByA.size() == 20 && seenByB.size() == 20);
        assertThat(seenByA).extracting(Message::getBody).isEqualTo(seenByB.stream().map(Message::getBody).toList());
        Message first = seenByB.stream().filter(m -> "m0".equals(m.getBody())).findFirst().orElseThrow();
        assertThat(first.getFrom().toString()).isEqualTo(env.room("lobby") + "/alice");
        assertThat(first.getExtensionElement("stanza-id", "urn:xmpp:sid:0")).isNotNull();
        assertThat(first.getExtensionElement("occupant-id", "urn:xmpp:occupant-id:0")).isNotNull();
        assertThat(ma.getOccupants()).extracting(j -> j.getResourceOrEmpty().toString()).containsExactlyInAnyOrder("alice", "bob");
    }

    @Test
    void enteringIsRefusedWithTheErrorsOfTheSpecification() throws Exception {
        XMPPTCPConnection owner = env.user();
        XMPPTCPConnection other = env.user();
        MultiUserChat locked = env.muc(owner, "locked");
        locked.create(nick("owner")); // not configured yet: locked
        assertThatThrownBy(() -> env.muc(other, "locked").join(nick("other")))
                .isInstanceOfSatisfying(XMPPErrorException.class, e -> assertThat(e.getStanzaError().getCondition())
                        .isEqualTo(StanzaError.Condition.item_not_found));
        locked.getConfigFormManager().setAndEnablePassword("sesame").submitConfigurationForm();
        assertThatThrownBy(() -> env.muc(other, "locked").join(nick("other")))
                .isInstanceOfSatisfying(XMPPErrorException.class, e -> assertThat(e.getStanzaError().getCondition())
                        .isEqualTo(StanzaError.Condition.not_authorized));
        env.muc(other, "locked").join(nick("other"), "sesame");
        assertThat(env.muc(other, "locked").isJoined()).isTrue();

        MultiUserChat members = env.muc(owner, "members");
        members.create(nick("owner")).getConfigFormManager().makeMembersOnly().submitConfigurationForm();
        assertThatThrownBy(() -> env.muc(other, "members").join(nick("other")))
                .isInstanceOfSatisfying(XMPPErrorException.class, e -> assertThat(e.getStanzaError().getCondition())
                        .isEqualTo(StanzaError.Condition.registration_required));
        members.grantMembership(other.getUser().asBareJid());
        env.muc(other, "members").join(nick("other"));

        MultiUserChat open = env.muc(owner, "open");
        open.create(nick("owner")).makeInstant();
        assertThatThrownBy(() -> env.muc(other, "open").join(nick("owner")))
                .isInstanceOfSatisfying(XMPPErrorException.class, e -> assertThat(e.getStanzaError().getCondition())
                        .isEqualTo(StanzaError.Condition.conflict));
        open.banUser(other.getUser().asBareJid(), "spam");
        assertThatThrownBy(() -> env.muc(other, "open").join(nick("other")))
                .isInstanceOfSatisfying(XMPPErrorException.class, e -> assertThat(e.getStanzaError().getCondition())
                        .isEqualTo(StanzaError.Condition.forbidden));

        MultiUserChat full = env.muc(owner, "full");
        full.create(nick("owner")).makeInstant();
        org.jivesoftware.smackx.xdata.form.FillableForm form = full.getConfigurationForm().getFillableForm();
        form.setAnswer("muc#roomconfig_maxusers", 1);
        full.sendConfigurationForm(form);
        assertThatThrownBy(() -> env.muc(other, "full").join(nick("other")))
                .isInstanceOfSatisfying(XMPPErrorException.class, e -> assertThat(e.getStanzaError().getCondition())
                        .isEqualTo(StanzaError.Condition.service_unavailable));
    }

    @Test
    void aNewcomerGetsTheOthersThenItselfThenHistoryThenTheSubject() throws Exception {
        XMPPTCPConnection a = env.user();
        XMPPTCPConnection b = env.user();
        MultiUserChat ma = env.muc(a, "order");
        ma.create(nick("alice")).makeInstant();
        ma.changeSubject("Today's topic");
        List<Message> echoes = groupchat(a, "order");
        for (int i = 0; i < 3; i++) {
            ma.sendMessage("before " + i);
        }
        // the room has them before bob enters (alice's and bob's stanzas travel on different streams)
        await().atMost(WAIT).until(() -> echoes.size() == 3);
        List<Stanza> stanzas = new CopyOnWriteArrayList<>();
        b.addSyncStanzaListener(stanzas::add, FromMatchesFilter.create(env.room("order")));
        MultiUserChat mb = env.muc(b, "order");
        mb.join(mb.getEnterConfigurationBuilder(nick("bob")).requestMaxStanzasHistory(2).build());
        await().atMost(WAIT).until(() -> stanzas.stream().anyMatch(s -> s instanceof Message m && m.getSubject() != null));

        assertThat(stanzas).hasSize(5);
        assertThat(stanzas.get(0).getFrom().toString()).endsWith("/alice");
        assertThat(MUCUser.from(stanzas.get(1)).getStatus()).contains(MUCUser.Status.PRESENCE_TO_SELF_110);
        assertThat(((Message) stanzas.get(2)).getBody()).isEqualTo("before 1");
        assertThat(((Message) stanzas.get(3)).getBody()).isEqualTo("before 2");
        assertThat(stanzas.get(2).getExtensionElement("delay", "urn:xmpp:delay")).isNotNull();
        assertThat(((Message) stanzas.get(4)).getSubject()).isEqualTo("Today's topic");
        assertThat(mb.getSubject()).isEqualTo("Today's topic");
    }

    @Test
    void historyCanBeLimitedBySecondsAndSince() throws Exception {
        XMPPTCPConnection a = env.user();
        XMPPTCPConnection b = env.user();
        MultiUserChat ma = env.muc(a, "hist");
        ma.create(nick("alice")).makeInstant();
        List<Message> echoes = groupchat(a, "hist");
        ma.sendMessage("old");
        // the room has it before bob enters (alice's and bob's stanzas travel on different streams)
        await().atMost(WAIT).until(() -> echoes.size() == 1);
        List<Message> got = new CopyOnWriteArrayList<>();
        b.addSyncStanzaListener(s -> got.add((Message) s), s -> s instanceof Message m && m.getBody() != null);
        MultiUserChat mb = env.muc(b, "hist");
        mb.join(mb.getEnterConfigurationBuilder(nick("bob")).requestHistorySince(new java.util.Date(System.currentTimeMillis() + 60_000)).build());
        XMPPTCPConnection b2 = env.clients.login(b.getUser().getLocalpart().toString(), "secret", "second");
        b2.addSyncStanzaListener(s -> got.add((Message) s), s -> s instanceof Message m && m.getBody() != null);
        MultiUserChat mb2 = env.muc(b2, "hist");
        mb2.join(mb2.getEnterConfigurationBuilder(nick("bob")).requestHistorySince(3600).build());
        await().atMost(WAIT).until(() -> got.size() == 1);
        assertThat(got.get(0).getBody()).isEqualTo("old");
        XMPPTCPConnection b3 = env.clients.login(b.getUser().getLocalpart().toString(), "secret", "third");
        b3.addSyncStanzaListener(s -> got.add((Message) s), s -> s instanceof Message m && m.getBody() != null);
        MultiUserChat mb3 = env.muc(b3, "hist");
        mb3.join(mb3.getEnterConfigurationBuilder(nick("bob")).requestNoHistory().build());
        ma.sendMessage("marker");
        await().atMost(WAIT).until(() -> got.stream().filter(m -> "marker".equals(m.getBody())).count() == 3);
        assertThat(got).extracting(Message::getBody).containsExactly("old", "marker", "marker", "marker");
    }

    @Test
    void nicknameChangesLeaveAndPrivateMessagesWork() throws Exception {
        XMPPTCPConnection a = env.user();
        XMPPTCPConnection b = env.user();
        MultiUserChat ma = env.muc(a, "nicks");
        ma.create(nick("alice")).makeInstant();
        env.muc(b, "nicks").join(nick("bob"));
        List<Presence> seenByA = presences(a, "nicks");
        List<Presence> seenByB = presences(b, "nicks");

        presenceTo(b, "nicks", "robert", Presence.Type.available);
        await().atMost(WAIT).until(() -> from(seenByA, "robert") != null && from(seenByB, "robert") != null);
        Presence gone = seenByA.stream().filter(p -> p.getType() == Presence.Type.unavailable).findFirst().orElseThrow();
        assertThat(gone.getFrom().getResourceOrEmpty().toString()).isEqualTo("bob");
        assertThat(MUCUser.from(gone).getStatus()).contains(MUCUser.Status.NEW_NICKNAME_303);
        assertThat(MUCUser.from(gone).getItem().getNick().toString()).isEqualTo("robert");
        assertThat(seenByA.indexOf(gone)).isLessThan(seenByA.indexOf(from(seenByA, "robert")));
        Presence selfGone = seenByB.stream().filter(p -> p.getType() == Presence.Type.unavailable).findFirst().orElseThrow();
        assertThat(MUCUser.from(selfGone).getStatus()).contains(MUCUser.Status.NEW_NICKNAME_303, MUCUser.Status.PRESENCE_TO_SELF_110);
        assertThat(MUCUser.from(from(seenByB, "robert")).getStatus()).contains(MUCUser.Status.PRESENCE_TO_SELF_110);

        presenceTo(b, "nicks", "alice", Presence.Type.available);
        await().atMost(WAIT).until(() -> seenByB.stream().anyMatch(p -> p.getType() == Presence.Type.error));
        Presence conflict = seenByB.stream().filter(p -> p.getType() == Presence.Type.error).findFirst().orElseThrow();
        assertThat(conflict.getError().getCondition()).isEqualTo(StanzaError.Condition.conflict);
        assertThat(conflict.getFrom().toString()).isEqualTo(env.room("nicks") + "/alice");

        List<Message> privateToA = new CopyOnWriteArrayList<>();
        a.addSyncStanzaListener(s -> privateToA.add((Message) s), s -> s instanceof Message m && m.getType() == Message.Type.chat);
        b.sendStanza(b.getStanzaFactory().buildMessageStanza().to(JidCreate.from(env.room("nicks") + "/alice"))
                .ofType(Message.Type.chat).setBody("psst").build());
        await().atMost(WAIT).until(() -> privateToA.size() == 1);
        assertThat(privateToA.get(0).getFrom().toString()).isEqualTo(env.room("nicks") + "/robert");
        assertThat(privateToA.get(0).getBody()).isEqualTo("psst");

        presenceTo(b, "nicks", "robert", Presence.Type.unavailable);
        await().atMost(WAIT).until(() -> from(seenByB, "robert").getType() == Presence.Type.unavailable
                && from(seenByA, "robert").getType() == Presence.Type.unavailable);
        assertThat(MUCUser.from(from(seenByB, "robert")).getStatus()).contains(MUCUser.Status.PRESENCE_TO_SELF_110);
        await().atMost(WAIT).until(() -> ma.getOccupants().size() == 1);
        assertThat(ma.getOccupants()).hasSize(1);
    }

    @Test
    void aNonOccupantCannotSpeakAndSelfPingTellsWhoIsStillIn() throws Exception {
        XMPPTCPConnection a = env.user();
        XMPPTCPConnection b = env.user();
        MultiUserChat ma = env.muc(a, "ping");
        ma.create(nick("alice")).makeInstant();
        List<Message> errors = new CopyOnWriteArrayList<>();
        b.addSyncStanzaListener(s -> errors.add((Message) s), s -> s instanceof Message m && m.getType() == Message.Type.error);
        env.muc(b, "ping").sendMessage("hello?");
        await().atMost(WAIT).until(() -> errors.size() == 1);
        assertThat(errors.get(0).getError().getCondition()).isEqualTo(StanzaError.Condition.not_acceptable);

        ping(a, env.room("ping") + "/alice");
        assertThatThrownBy(() -> ping(b, env.room("ping") + "/alice"))
                .isInstanceOfSatisfying(XMPPErrorException.class, e -> assertThat(e.getStanzaError().getCondition())
                        .isEqualTo(StanzaError.Condition.not_acceptable));
    }

    @Test
    void theOccupantIdOfAUserStaysTheSameAcrossVisitsAndDiffersBetweenUsers() throws Exception {
        XMPPTCPConnection a = env.user();
        XMPPTCPConnection b = env.user();
        env.muc(a, "ids").create(nick("alice")).makeInstant();
        List<Presence> seenByA = presences(a, "ids");
        presenceTo(b, "ids", "bob", Presence.Type.available);
        presenceTo(b, "ids", "bob", Presence.Type.unavailable);
        presenceTo(b, "ids", "bobby", Presence.Type.available);
        await().atMost(WAIT).until(() -> seenByA.size() == 3);
        String first = occupantId(seenByA.get(0));
        assertThat(occupantId(seenByA.get(1))).isEqualTo(first);
        assertThat(occupantId(seenByA.get(2))).isEqualTo(first);
        assertThat(seenByA.get(2).getFrom().getResourceOrEmpty().toString()).isEqualTo("bobby");
        Presence alice = env.muc(a, "ids").getOccupantPresence(JidCreate.entityFullFrom(env.room("ids") + "/alice"));
        assertThat(occupantId(alice)).isNotEqualTo(first);
        assertThat(MUCUser.from(seenByA.get(2)).getItem().getAffiliation()).isEqualTo(MUCAffiliation.none);
        assertThat(MUCUser.from(seenByA.get(2)).getItem().getRole()).isEqualTo(MUCRole.participant);
    }

    private static String occupantId(Stanza stanza) {
        org.jivesoftware.smack.packet.ExtensionElement e = stanza.getExtensionElement("occupant-id", "urn:xmpp:occupant-id:0");
        assertThat(e).isNotNull();
        return ((org.jivesoftware.smack.packet.StandardExtensionElement) e).getAttributeValue("id");
    }

    @Test
    void twoSessionsOfOneUserShareANicknameAndBothGetTheRoom() throws Exception {
        String name = "u" + java.util.UUID.randomUUID().toString().substring(0, 8);
        env.node.userManager().createUser(name, "secret", "", "");
        XMPPTCPConnection phone = env.clients.login(name, "secret", "phone");
        XMPPTCPConnection desk = env.clients.login(name, "secret", "desk");
        XMPPTCPConnection other = env.user();
        MultiUserChat owner = env.muc(other, "multi");
        owner.create(nick("owner")).makeInstant();
        MultiUserChat onPhone = env.muc(phone, "multi");
        MultiUserChat onDesk = env.muc(desk, "multi");
        onPhone.join(nick("me"));
        onDesk.join(nick("me"));
        List<Message> phoneGot = groupchat(phone, "multi");
        List<Message> deskGot = groupchat(desk, "multi");
        owner.sendMessage("to both");
        await().atMost(WAIT).until(() -> phoneGot.size() == 1 && deskGot.size() == 1);
        assertThat(owner.getOccupants()).hasSize(2);
        presenceTo(desk, "multi", "me", Presence.Type.unavailable);
        await().atMost(WAIT).until(() -> env.mucService().room("multi").get().orElseThrow().occupants().get(1).sessions().size() == 1);
        owner.sendMessage("to the phone");
        await().atMost(WAIT).until(() -> phoneGot.size() == 2);
        assertThat(owner.getOccupants()).hasSize(2);
        assertThat(deskGot).hasSize(1);
    }

    @Test
    void loggingOffTakesTheOccupantOutOfTheRoom() throws Exception {
        XMPPTCPConnection a = env.user();
        XMPPTCPConnection b = env.user();
        MultiUserChat ma = env.muc(a, "logoff");
        ma.create(nick("alice")).makeInstant();
        env.muc(b, "logoff").join(nick("bob"));
        await().atMost(WAIT).until(() -> ma.getOccupants().size() == 2);
        b.disconnect();
        await().atMost(WAIT).until(() -> ma.getOccupants().size() == 1);
    }

    @Test
    void aTemporaryRoomGoesAwayWithItsLastOccupant() throws Exception {
        XMPPTCPConnection a = env.user();
        MultiUserChat ma = env.muc(a, "temp");
        ma.create(nick("alice")).makeInstant();
        presenceTo(a, "temp", "alice", Presence.Type.unavailable);
        await().atMost(WAIT).until(() -> env.mucService().room("temp").get().isEmpty());
        // a new visitor creates it anew (status 201)
        XMPPTCPConnection b = env.user();
        assertThat(env.muc(b, "temp").createOrJoin(nick("bob"))).isNotNull();
    }

    @Test
    void anUnknownRoomIsNotFoundAndDiscoveryOfAnOccupantNeedsOccupancy() throws Exception {
        XMPPTCPConnection a = env.user();
        XMPPTCPConnection b = env.user();
        assertThatThrownBy(() -> ServiceDiscoveryManager.getInstanceFor(a).discoverInfo(env.room("nothing")))
                .isInstanceOfSatisfying(XMPPErrorException.class, e -> assertThat(e.getStanzaError().getCondition())
                        .isEqualTo(StanzaError.Condition.item_not_found));
        env.muc(a, "disco").create(nick("alice")).makeInstant();
        assertThatThrownBy(() -> ServiceDiscoveryManager.getInstanceFor(b).discoverItems(JidCreate.from(env.room("disco") + "/alice")))
                .isInstanceOfSatisfying(XMPPErrorException.class, e -> assertThat(e.getStanzaError().getCondition())
                        .isEqualTo(StanzaError.Condition.bad_request));
        assertThat(ServiceDiscoveryManager.getInstanceFor(b).discoverItems(env.room("disco")).getItems()).hasSize(1);
    }
}
