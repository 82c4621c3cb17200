package org.skein.c2s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.XMPPException.XMPPErrorException;
import org.jivesoftware.smack.filter.StanzaExtensionFilter;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StandardExtensionElement;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.jivesoftware.smackx.mam.MamManager;
import org.jivesoftware.smackx.mam.element.MamElements.MamResultExtension;
import org.jivesoftware.smackx.mam.element.MamFinIQ;
import org.jivesoftware.smackx.sid.element.OriginIdElement;
import org.jivesoftware.smackx.sid.element.StanzaIdElement;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;
import org.skein.mam.ArchiveFilter;

/**
 * The message archive (XEP-0313) and stanza ids (XEP-0359) on one node, with Smack's archive manager and
 * raw queries for the extended fields and the errors.
 */
class SmackArchiveTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static List<Message> inbox(XMPPTCPConnection client) {
        List<Message> inbox = new CopyOnWriteArrayList<>();
        client.addSyncStanzaListener(s -> inbox.add((Message) s), s -> s instanceof Message m && m.getBody() != null
                && m.getExtension(MamResultExtension.QNAME) == null);
        return inbox;
    }

    private static void send(XMPPTCPConnection from, String to, String body) throws Exception {
        from.sendStanza(from.getStanzaFactory().buildMessageStanza().to(JidCreate.from(to)).ofType(Message.Type.chat)
                .setBody(body).build());
    }

    private static List<StanzaIdElement> stanzaIds(Message message) {
        List<StanzaIdElement> ids = new ArrayList<>();
        for (var e : message.getExtensions(StanzaIdElement.ELEMENT, StanzaIdElement.NAMESPACE)) {
            ids.add((StanzaIdElement) e);
        }
        return ids;
    }

    /** A raw query: the result messages' archive ids and bodies, and the fin. */
    record Raw(List<String> ids, List<String> bodies, MamFinIQ fin) {
    }

    private static Raw query(XMPPTCPConnection client, String inner) throws Exception {
        StanzaCollector results = client.createStanzaCollector(new StanzaExtensionFilter(MamResultExtension.ELEMENT, "urn:xmpp:mam:2"));
        try {
            IQ fin = RawIq.send(client, new RawIq(IQ.Type.set, "query", "urn:xmpp:mam:2", inner, null));
            List<String> ids = new ArrayList<>();
            List<String> bodies = new ArrayList<>();
            Stanza s;
            while ((s = results.pollResult()) != null) {
                MamResultExtension r = MamResultExtension.from((Message) s);
                ids.add(r.getId());
                bodies.add(r.getForwarded().getForwardedStanza().getBody());
            }
            return new Raw(ids, bodies, (MamFinIQ) fin);
        } finally {
            results.cancel();
        }
    }

    private static String form(String... fields) {
        StringBuilder x = new StringBuilder("<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE' type='hidden'>"
                + "<value>urn:xmpp:mam:2</value></field>");
        for (int i = 0; i < fields.length; i += 2) {
            x.append("<field var='").append(fields[i]).append("'>");
            for (String v : fields[i + 1].split(",")) {
                x.append("<value>").append(v).append("</value>");
            }
            x.append("</field>");
        }
        return x.append("</x>").toString();
    }

    private static StanzaError.Condition errorOf(XMPPTCPConnection client, String inner) {
        Throwable t = org.junit.jupiter.api.Assertions.assertThrows(XMPPErrorException.class, () -> query(client, inner));
        return ((XMPPErrorException) t).getStanzaError().getCondition();
    }

    @Test
    void aMessageIsArchivedOnceForEachAccountStampedWithTheRecipientsIdAndTheOriginIdKeptForgedIdsGone() throws Exception {
        try (NodeWithClients env = new NodeWithClients(Map.of())) {
            String alice = env.newUser();
            String bob = env.newUser();
            XMPPTCPConnection a = env.clients.login(alice, "secret", "phone");
            XMPPTCPConnection b = env.clients.login(bob, "secret", "desk");
            List<Message> toBob = inbox(b);
            assertThat(MamManager.getInstanceFor(b).isSupported()).isTrue();
            assertThat(ServiceDiscoveryManager.getInstanceFor(b).discoverInfo(JidCreate.bareFrom(env.jid(bob)))
                    .containsFeature("urn:xmpp:mam:2#extended")).isTrue();

            Message hello = a.getStanzaFactory().buildMessageStanza().to(JidCreate.from(env.jid(bob))).ofType(Message.Type.chat)
                    .setBody("hello bob")
                    .addExtension(new OriginIdElement("origin-1"))
                    .addExtension(new StanzaIdElement("forged-by-me", env.jid(bob)))
                    .addExtension(new StanzaIdElement("forged-server", env.node.xmppDomain()))
                    .addExtension(new StanzaIdElement("theirs", "room@conference.elsewhere.example"))
                    .build();
            a.sendStanza(hello);
            await().atMost(WAIT).until(() -> toBob.size() == 1);
            Message received = toBob.get(0);
            assertThat(stanzaIds(received)).extracting(StanzaIdElement::getBy, StanzaIdElement::getId)
                    .hasSize(2)
                    .contains(org.assertj.core.groups.Tuple.tuple("room@conference.elsewhere.example", "theirs"));
            StanzaIdElement ours = stanzaIds(received).stream().filter(e -> e.getBy().equals(env.jid(bob))).findFirst().orElseThrow();
            assertThat(ours.getId()).hasSize(19).isNotEqualTo("forged-by-me");
            assertThat(OriginIdElement.getOriginId(received).getId()).isEqualTo("origin-1");

            MamManager.MamQuery bobs = MamManager.getInstanceFor(b).queryMostRecentPage(null, 10);
            assertThat(bobs.getMessages()).extracting(Message::getBody).containsExactly("hello bob");
            assertThat(bobs.getMamResultExtensions().get(0).getId()).isEqualTo(ours.getId());
            Message archived = bobs.getMessages().get(0);
            assertThat(archived.getStanzaId()).isEqualTo(hello.getStanzaId());
            assertThat(archived.getFrom().toString()).isEqualTo(a.getUser().toString());
            assertThat(OriginIdElement.getOriginId(archived).getId()).isEqualTo("origin-1");
            assertThat(bobs.isComplete()).isTrue();

            MamManager.MamQuery alices = MamManager.getInstanceFor(a).queryMostRecentPage(JidCreate.bareFrom(env.jid(bob)), 10);
            assertThat(alices.getMessages()).extracting(Message::getBody).containsExactly("hello bob");
            assertThat(alices.getMamResultExtensions().get(0).getId()).isNotEqualTo(ours.getId());
            assertThat(env.node.messageArchive().store().count(ArchiveFilter.all(bob))).isEqualTo(1);

            // not archived: a no-store hint, a headline, a message without a body
            b.sendStanza(b.getStanzaFactory().buildMessageStanza().to(JidCreate.from(env.jid(alice))).setBody("secret")
                    .addExtension(StandardExtensionElement.builder("no-store", "urn:xmpp:hints").build()).build());
            b.sendStanza(b.getStanzaFactory().buildMessageStanza().to(JidCreate.from(env.jid(alice))).ofType(Message.Type.headline)
                    .setBody("news").build());
            send(b, env.jid(alice), "last");
            await().atMost(WAIT).until(() -> env.node.messageArchive().store().count(ArchiveFilter.all(alice)) == 2);
            assertThat(MamManager.getInstanceFor(a).queryMostRecentPage(null, 10).getMessages()).extracting(Message::getBody)
                    .containsExactly("hello bob", "last");
        }
    }

    @Test
    void pagesFiltersAndExtendedFieldsFollowTheXepAndRsm() throws Exception {
        try (NodeWithClients env = new NodeWithClients(Map.of())) {
            String alice = env.newUser();
            String carol = env.newUser();
            String bob = env.newUser();
            XMPPTCPConnection a = env.clients.login(alice, "secret", "phone");
            XMPPTCPConnection c = env.clients.login(carol, "secret", "phone");
            XMPPTCPConnection b = env.clients.login(bob, "secret", "desk");
            List<Message> toBob = inbox(b);
            Instant before = Instant.now();
            for (int i = 0; i < 30; i++) {
                send(i % 3 == 2 ? c : a, env.jid(bob), "m" + i);
                int expected = i + 1;
                // one at a time: two senders' messages race each other between the archive and the delivery
                await().atMost(WAIT).untilAsserted(() -> assertThat(toBob).extracting(Message::getBody).hasSize(expected));
            }
            await().atMost(WAIT).until(() -> toBob.size() == 30);
            List<String> order = toBob.stream().map(Message::getBody).toList();
            List<String> ids = toBob.stream().map(m -> stanzaIds(m).get(0).getId()).toList();
            assertThat(ids).isSorted().doesNotHaveDuplicates();

            // forward in pages of 10: after the last id of each page
            MamManager mam = MamManager.getInstanceFor(b);
            MamManager.MamQuery first = mam.queryArchive(MamManager.MamQueryArgs.builder().setResultPageSizeTo(10).build());
            assertThat(first.isComplete()).isFalse();
            List<String> paged = new ArrayList<>(first.getMessages().stream().map(Message::getBody).toList());
            paged.addAll(first.pageNext(10).stream().map(Message::getBody).toList());
            assertThat(first.isComplete()).isFalse();
            paged.addAll(first.pageNext(10).stream().map(Message::getBody).toList());
            assertThat(first.isComplete()).isTrue();
            assertThat(paged).isEqualTo(order);

            // backward from the end
            MamManager.MamQuery last = mam.queryArchive(MamManager.MamQueryArgs.builder().setResultPageSizeTo(7).queryLastPage().build());
            assertThat(last.getMessages()).extracting(Message::getBody).isEqualTo(order.subList(23, 30));
            assertThat(last.isComplete()).isFalse();
            assertThat(last.pagePrevious(30)).extracting(Message::getBody).isEqualTo(order.subList(0, 23));
            assertThat(last.isComplete()).isTrue();

            // with a contact, and a time range
            MamManager.MamQuery fromCarol = mam.queryArchive(MamManager.MamQueryArgs.builder()
                    .limitResultsToJid(JidCreate.bareFrom(env.jid(carol))).setResultPageSizeTo(50).build());
            assertThat(fromCarol.getMessages()).extracting(Message::getBody)
                    .isEqualTo(order.stream().filter(body -> Integer.parseInt(body.substring(1)) % 3 == 2).toList());
            assertThat(mam.queryArchive(MamManager.MamQueryArgs.builder().limitResultsBefore(Date.from(before.minusSeconds(60)))
                    .build()).getMessages()).isEmpty();
            assertThat(mam.queryArchive(MamManager.MamQueryArgs.builder().limitResultsSince(Date.from(before.minusSeconds(60)))
                    .setResultPageSizeTo(100).build()).getMessages()).hasSize(30);

            // extended fields, RSM with the count, flip-page
            Raw between = query(b, form("after-id", ids.get(4), "before-id", ids.get(9)));
            assertThat(between.bodies()).isEqualTo(order.subList(5, 9));
            assertThat(between.fin().isComplete()).isTrue();
            assertThat(between.fin().isStable()).isTrue();
            assertThat(between.fin().getRSMSet().getCount()).isEqualTo(4);
            assertThat(between.fin().getRSMSet().getFirst()).isEqualTo(ids.get(5));
            assertThat(between.fin().getRSMSet().getLast()).isEqualTo(ids.get(8));
            Raw chosen = query(b, form("ids", ids.get(20) + "," + ids.get(3)));
            assertThat(chosen.ids()).containsExactly(ids.get(3), ids.get(20));
            Raw flipped = query(b, "<set xmlns='http://jabber.org/protocol/rsm'><max>3</max><before/></set><flip-page/>");
            assertThat(flipped.bodies()).containsExactly(order.get(29), order.get(28), order.get(27));
            assertThat(flipped.fin().isComplete()).isFalse();
            Raw counted = query(b, "<set xmlns='http://jabber.org/protocol/rsm'><max>0</max></set>");
            assertThat(counted.ids()).isEmpty();
            assertThat(counted.fin().getRSMSet().getCount()).isEqualTo(30);

            // the form advertises the extended fields
            assertThat(mam.retrieveFormFields()).extracting(f -> f.getFieldName())
                    .contains("with", "start", "end", "before-id", "after-id", "ids");
        }
    }

    @Test
    void badQueriesGetClearErrorsAndAnotherAccountsArchiveIsForbidden() throws Exception {
        try (NodeWithClients env = new NodeWithClients(Map.of())) {
            String alice = env.newUser();
            String bob = env.newUser();
            XMPPTCPConnection a = env.clients.login(alice, "secret", "phone");
            XMPPTCPConnection b = env.clients.login(bob, "secret", "desk");
            List<Message> toBob = inbox(b);
            send(a, env.jid(bob), "one");
            await().atMost(WAIT).until(() -> toBob.size() == 1);

            assertThat(errorOf(b, form("after-id", "0000000000000000000"))).isEqualTo(StanzaError.Condition.item_not_found);
            assertThat(errorOf(b, form("ids", "nope"))).isEqualTo(StanzaError.Condition.item_not_found);
            assertThat(errorOf(b, "<set xmlns='http://jabber.org/protocol/rsm'><after>unknown</after></set>"))
                    .isEqualTo(StanzaError.Condition.item_not_found);
            assertThat(errorOf(b, form("colour", "blue"))).isEqualTo(StanzaError.Condition.bad_request);
            assertThat(errorOf(b, form("start", "yesterday"))).isEqualTo(StanzaError.Condition.bad_request);
            assertThat(errorOf(b, "<set xmlns='http://jabber.org/protocol/rsm'><max>many</max></set>"))
                    .isEqualTo(StanzaError.Condition.bad_request);
            assertThat(errorOf(b, "<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE'><value>urn:other</value></field></x>"))
                    .isEqualTo(StanzaError.Condition.bad_request);
            // bob's archive id is not alice's to use
            String bobsId = stanzaIds(toBob.get(0)).get(0).getId();
            assertThat(errorOf(a, form("after-id", bobsId))).isEqualTo(StanzaError.Condition.item_not_found);
            assertThatThrownBy(() -> RawIq.send(a, new RawIq(IQ.Type.set, "query", "urn:xmpp:mam:2", "",
                    JidCreate.bareFrom(env.jid(bob))))).isInstanceOfSatisfying(XMPPErrorException.class, e ->
                    assertThat(e.getStanzaError().getCondition()).isEqualTo(StanzaError.Condition.forbidden));
            assertThat(query(b, "").bodies()).containsExactly("one");
        }
    }

    @Test
    void anOfflineMessageIsArchivedAndStampedAndTheArchiveGoesWithTheAccount() throws Exception {
        try (NodeWithClients env = new NodeWithClients(Map.of())) {
            String alice = env.newUser();
            String bob = env.newUser();
            XMPPTCPConnection a = env.clients.login(alice, "secret", "phone");
            send(a, env.jid(bob), "while you were out");
            await().atMost(WAIT).until(() -> env.node.messageArchive().store().count(ArchiveFilter.all(bob)) == 1);

            XMPPTCPConnection b = env.clients.unconnected(bob, "secret", "desk");
            List<Message> toBob = inbox(b);
            b.connect().login();
            await().atMost(WAIT).until(() -> toBob.size() == 1);
            String id = stanzaIds(toBob.get(0)).get(0).getId();
            assertThat(MamManager.getInstanceFor(b).queryMostRecentPage(null, 5).getMamResultExtensions())
                    .extracting(MamResultExtension::getId).containsExactly(id);

            b.disconnect();
            env.node.userManager().deleteUser(bob);
            assertThat(env.node.messageArchive().store().count(ArchiveFilter.all(bob))).isZero();
            assertThat(env.node.messageArchive().store().count(ArchiveFilter.all(alice))).isEqualTo(1);
        }
    }

    @Test
    void preferencesDecideWhatEachAccountKeepsOnEveryPath() throws Exception {
        try (NodeWithClients env = new NodeWithClients(Map.of())) {
            String alice = env.newUser();
            String bob = env.newUser();
            String carol = env.newUser();
            XMPPTCPConnection a = env.clients.login(alice, "secret", "phone");
            XMPPTCPConnection b = env.clients.login(bob, "secret", "desk");
            XMPPTCPConnection c = env.clients.login(carol, "secret", "desk");
            List<Message> toBob = inbox(b);
            MamManager bobs = MamManager.getInstanceFor(b);
            assertThat(bobs.retrieveArchivingPreferences().asMamPrefs().getDefaultBehavior())
                    .isEqualTo(org.jivesoftware.smackx.mam.element.MamPrefsIQ.DefaultBehavior.always);

            // bob: nothing by default, always carol; alice keeps everything she sends
            MamManager.MamPrefs prefs = bobs.retrieveArchivingPreferences().asMamPrefs();
            prefs.setDefaultBehavior(org.jivesoftware.smackx.mam.element.MamPrefsIQ.DefaultBehavior.never);
            prefs.getAlwaysJids().add(JidCreate.bareFrom(env.jid(carol)));
            MamManager.MamPrefs stored = bobs.updateArchivingPreferences(prefs).asMamPrefs();
            assertThat(stored.getDefaultBehavior()).isEqualTo(org.jivesoftware.smackx.mam.element.MamPrefsIQ.DefaultBehavior.never);
            assertThat(stored.getAlwaysJids()).extracting(Object::toString).containsExactly(env.jid(carol));

            send(a, env.jid(bob), "from alice");
            send(c, env.jid(bob), "from carol");
            await().atMost(WAIT).until(() -> toBob.size() == 2);
            Message fromAlice = toBob.stream().filter(m -> m.getBody().equals("from alice")).findFirst().orElseThrow();
            assertThat(stanzaIds(fromAlice)).isEmpty(); // not in bob's archive: no archive id to give
            assertThat(bobs.queryMostRecentPage(null, 10).getMessages()).extracting(Message::getBody).containsExactly("from carol");
            assertThat(MamManager.getInstanceFor(a).queryMostRecentPage(null, 10).getMessages()).extracting(Message::getBody)
                    .containsExactly("from alice");

            // a bad default is refused and changes nothing
            assertThatThrownBy(() -> RawIq.send(b, new RawIq(IQ.Type.set, "prefs", "urn:xmpp:mam:2", "", null)))
                    .isInstanceOfSatisfying(XMPPErrorException.class, e ->
                            assertThat(e.getStanzaError().getCondition()).isEqualTo(StanzaError.Condition.bad_request));
            assertThat(bobs.retrieveArchivingPreferences().asMamPrefs().getAlwaysJids()).hasSize(1);
            // a roster default keeps contacts only: carol is no contact of alice
            List<Message> toAlice = inbox(a);
            MamManager.getInstanceFor(a).setDefaultBehavior(org.jivesoftware.smackx.mam.element.MamPrefsIQ.DefaultBehavior.roster);
            send(c, env.jid(alice), "not a contact");
            org.jivesoftware.smack.roster.Roster.getInstanceFor(a).createItem(JidCreate.bareFrom(env.jid(bob)), "Bob", null);
            send(b, env.jid(alice), "a contact");
            await().atMost(WAIT).until(() -> toAlice.size() == 2);
            assertThat(MamManager.getInstanceFor(a).queryMostRecentPage(null, 10).getMessages()).extracting(Message::getBody)
                    .containsExactly("from alice", "a contact");
        }
    }

    @Test
    void aRoomThatKeepsAnArchiveIsQueriedAtItsAddressAndItsStanzaIdsAreTheArchiveIds() throws Exception {
        try (NodeWithClients env = new NodeWithClients(Map.of())) {
            String alice = env.newUser();
            String bob = env.newUser();
            String mallory = env.newUser();
            XMPPTCPConnection a = env.clients.login(alice, "secret", "phone");
            XMPPTCPConnection b = env.clients.login(bob, "secret", "desk");
            XMPPTCPConnection m = env.clients.login(mallory, "secret", "desk");
            org.skein.muc.MucService service = env.node.multiUserChat().service("conference.localhost").orElseThrow();
            service.createRoom("logged", org.skein.muc.RoomConfig.builder().persistent(true).logging(true).build(), env.jid(alice)).get();
            service.createRoom("quiet", org.skein.muc.RoomConfig.builder().persistent(true).build(), env.jid(alice)).get();
            service.createRoom("club", org.skein.muc.RoomConfig.builder().persistent(true).logging(true).membersOnly(true).build(),
                    env.jid(alice)).get();
            org.jivesoftware.smackx.muc.MultiUserChat logged = org.jivesoftware.smackx.muc.MultiUserChatManager.getInstanceFor(a)
                    .getMultiUserChat(JidCreate.entityBareFrom("logged@conference.localhost"));
            logged.join(org.jxmpp.jid.parts.Resourcepart.from("al"));
            List<Message> heard = new CopyOnWriteArrayList<>();
            // only the messages sent here: the room's subject message can still be on its way after join() returned
            logged.addMessageListener(msg -> {
                if (msg.getBody() != null && msg.getBody().startsWith("room ")) {
                    heard.add(msg);
                }
            });
            for (int i = 0; i < 5; i++) {
                logged.sendMessage("room " + i);
            }
            await().atMost(WAIT).until(() -> heard.size() == 5);

            // bob never joined: the room is open, its archive is his to read, from the room's address
            MamManager roomArchive = MamManager.getInstanceFor(b, JidCreate.entityBareFrom("logged@conference.localhost"));
            assertThat(roomArchive.isSupported()).isTrue();
            MamManager.MamQuery page = roomArchive.queryArchive(MamManager.MamQueryArgs.builder().setResultPageSizeTo(3)
                    .queryLastPage().build());
            assertThat(page.getMessages()).extracting(Message::getBody).containsExactly("room 2", "room 3", "room 4");
            assertThat(page.getMessages().get(0).getFrom().toString()).isEqualTo("logged@conference.localhost/al");
            assertThat(page.getMamResultExtensions()).extracting(MamResultExtension::getId)
                    .containsExactly(heard.subList(2, 5).stream().map(msg -> stanzaIds(msg).get(0).getId()).toArray(String[]::new));
            assertThat(page.pagePrevious(10)).extracting(Message::getBody).containsExactly("room 0", "room 1");
            // who said it: with the occupant's address
            assertThat(roomArchive.queryArchive(MamManager.MamQueryArgs.builder()
                    .limitResultsToJid(JidCreate.from("logged@conference.localhost/nobody")).build()).getMessages()).isEmpty();

            // a room without an archive says so; a members-only room's archive is for members
            assertThat(MamManager.getInstanceFor(b, JidCreate.entityBareFrom("quiet@conference.localhost")).isSupported()).isFalse();
            XMPPErrorException refused = org.junit.jupiter.api.Assertions.assertThrows(XMPPErrorException.class, () ->
                    MamManager.getInstanceFor(m, JidCreate.entityBareFrom("club@conference.localhost"))
                            .queryArchive(MamManager.MamQueryArgs.builder().build()));
            assertThat(refused.getStanzaError().getCondition()).isEqualTo(StanzaError.Condition.forbidden);

            // the room's messages are in no account's archive; a destroyed room's archive goes with it
            assertThat(MamManager.getInstanceFor(a).queryMostRecentPage(null, 10).getMessages()).isEmpty();
            assertThat(env.node.messageArchive().roomStore().count(ArchiveFilter.all("logged@conference.localhost"))).isEqualTo(5);
            service.destroyRoom("logged", "done", null).get();
            assertThat(env.node.messageArchive().roomStore().count(ArchiveFilter.all("logged@conference.localhost"))).isZero();
        }
    }

    @Test
    void aRoomsOwnerTurnsItsArchiveOnAndOffWithTheConfigurationFormAndTheArchiveFollowsTheRoomsRules() throws Exception {
        try (NodeWithClients env = new NodeWithClients(Map.of())) {
            String alice = env.newUser();
            String bob = env.newUser();
            String mallory = env.newUser();
            XMPPTCPConnection a = env.clients.login(alice, "secret", "phone");
            XMPPTCPConnection b = env.clients.login(bob, "secret", "desk");
            XMPPTCPConnection m = env.clients.login(mallory, "secret", "desk");
            org.skein.muc.MucService service = env.node.multiUserChat().service("conference.localhost").orElseThrow();
            service.createRoom("switch", org.skein.muc.RoomConfig.builder().persistent(true).build(), env.jid(alice)).get();
            org.jxmpp.jid.EntityBareJid address = JidCreate.entityBareFrom("switch@conference.localhost");
            org.jivesoftware.smackx.muc.MultiUserChat room = org.jivesoftware.smackx.muc.MultiUserChatManager.getInstanceFor(a)
                    .getMultiUserChat(address);
            room.join(org.jxmpp.jid.parts.Resourcepart.from("al"));
            List<Message> heard = new CopyOnWriteArrayList<>();
            room.addMessageListener(msg -> {
                if (msg.getBody() != null && msg.getBody().startsWith("said ")) {
                    heard.add(msg);
                }
            });
            MamManager bobsView = MamManager.getInstanceFor(b, address);

            // not logged: nothing kept, and a query says the room has no archive
            room.sendMessage("said before");
            await().atMost(WAIT).until(() -> heard.size() == 1);
            XMPPErrorException none = org.junit.jupiter.api.Assertions.assertThrows(XMPPErrorException.class,
                    () -> bobsView.queryArchive(MamManager.MamQueryArgs.builder().build()));
            assertThat(none.getStanzaError().getCondition()).isEqualTo(StanzaError.Condition.service_unavailable);

            // the owner turns logging on in the room's configuration form: from then on it is kept, and readable
            org.jivesoftware.smackx.xdata.form.FillableForm on = room.getConfigurationForm().getFillableForm();
            on.setAnswer("muc#roomconfig_enablelogging", true);
            room.sendConfigurationForm(on);
            assertThat(bobsView.isSupported()).isTrue();
            room.sendMessage("said while logged");
            await().atMost(WAIT).until(() -> heard.size() == 2);
            MamManager.MamQuery kept = bobsView.queryArchive(MamManager.MamQueryArgs.builder().build());
            assertThat(kept.getMessages()).extracting(Message::getBody).containsExactly("said while logged");
            assertThat(kept.getMamResultExtensions()).extracting(MamResultExtension::getId)
                    .containsExactly(stanzaIds(heard.get(1)).get(0).getId());
            // a semi-anonymous room: the archive gives the nickname, never the sender's real address
            assertThat(kept.getMessages().get(0).getFrom().toString()).isEqualTo("switch@conference.localhost/al");
            assertThat(kept.getMessages().get(0).toXML().toString()).doesNotContain(env.jid(alice));

            // a banned user may not read it
            room.banUser(JidCreate.entityBareFrom(env.jid(mallory)), "no");
            XMPPErrorException banned = org.junit.jupiter.api.Assertions.assertThrows(XMPPErrorException.class,
                    () -> MamManager.getInstanceFor(m, address).queryArchive(MamManager.MamQueryArgs.builder().build()));
            assertThat(banned.getStanzaError().getCondition()).isEqualTo(StanzaError.Condition.forbidden);

            // logging off again: nothing more is kept and the archive is no longer offered
            org.jivesoftware.smackx.xdata.form.FillableForm off = room.getConfigurationForm().getFillableForm();
            off.setAnswer("muc#roomconfig_enablelogging", false);
            room.sendConfigurationForm(off);
            room.sendMessage("said after");
            await().atMost(WAIT).until(() -> heard.size() == 3);
            XMPPErrorException closed = org.junit.jupiter.api.Assertions.assertThrows(XMPPErrorException.class,
                    () -> bobsView.queryArchive(MamManager.MamQueryArgs.builder().build()));
            assertThat(closed.getStanzaError().getCondition()).isEqualTo(StanzaError.Condition.service_unavailable);
            assertThat(env.node.messageArchive().roomStore().select(ArchiveFilter.all("switch@conference.localhost"), false, 10))
                    .extracting(org.skein.mam.ArchivedMessage::stanza)
                    .singleElement().asString().contains("said while logged");
        }
    }

    @Test
    void theRetentionLimitRemovesWhatIsOlderOnly() throws Exception {
        org.skein.testing.ManualClock clock = new org.skein.testing.ManualClock(Instant.parse("2026-11-01T10:00:00Z"));
        try (NodeWithClients env = new NodeWithClients(Map.of("mam.retention", "30d"), clock)) {
            String alice = env.newUser();
            String bob = env.newUser();
            XMPPTCPConnection a = env.clients.login(alice, "secret", "phone");
            XMPPTCPConnection b = env.clients.login(bob, "secret", "desk");
            List<Message> toBob = inbox(b);
            send(a, env.jid(bob), "old");
            await().atMost(WAIT).until(() -> toBob.size() == 1);
            clock.advance(Duration.ofDays(20));
            send(a, env.jid(bob), "recent");
            await().atMost(WAIT).until(() -> toBob.size() == 2);
            clock.advance(Duration.ofDays(15)); // "old" is 35 days old, "recent" 15
            assertThat(env.node.purgeExpiredArchives()).isEqualTo(2); // bob's copy and alice's
            assertThat(MamManager.getInstanceFor(b).queryMostRecentPage(null, 10).getMessages()).extracting(Message::getBody)
                    .containsExactly("recent");
            assertThat(MamManager.getInstanceFor(a).queryMostRecentPage(null, 10).getMessages()).extracting(Message::getBody)
                    .containsExactly("recent");
        }
    }

    @Test
    void aClientThatQueriesItsArchiveBeforeItsInitialPresenceGetsTheResultsAndTheMessagesStayInOrder() throws Exception {
        try (NodeWithClients env = new NodeWithClients(Map.of())) {
            String alice = env.newUser();
            String bob = env.newUser();
            XMPPTCPConnection a = env.clients.login(alice, "secret", "phone");
            for (int i = 0; i < 3; i++) {
                send(a, env.jid(bob), "early " + i);
            }
            await().atMost(WAIT).until(() -> env.node.messageArchive().store().count(ArchiveFilter.all(bob)) == 3);
            // catching up from the archive first, as mobile clients do, then going online
            XMPPTCPConnection b = new XMPPTCPConnection(env.clients.config(bob, "secret", "phone", "SCRAM-SHA-1")
                    .setSendPresence(false).build());
            b.setReplyTimeout(10_000);
            try {
                List<Message> toBob = inbox(b);
                b.connect().login();
                MamManager.MamQuery caughtUp = MamManager.getInstanceFor(b).queryMostRecentPage(null, 10);
                assertThat(caughtUp.getMessages()).extracting(Message::getBody).containsExactly("early 0", "early 1", "early 2");
                send(a, env.jid(bob), "live");
                b.sendStanza(b.getStanzaFactory().buildPresenceStanza().build());
                await().atMost(WAIT).until(() -> toBob.size() == 4); // the offline ones first, then the live one
                assertThat(toBob).extracting(Message::getBody).containsExactly("early 0", "early 1", "early 2", "live");
                assertThat(env.node.offlineMessageManager().count(bob)).isZero();
            } finally {
                b.disconnect();
            }
        }
    }

    /** The archive's metadata (XEP-0313 extended) as the server sends it. */
    private static org.dom4j.Element metadata(XMPPTCPConnection client, org.jxmpp.jid.Jid archive) throws Exception {
        IQ reply = RawIq.send(client, new RawIq(IQ.Type.get, "metadata", "urn:xmpp:mam:2", "", archive));
        return org.dom4j.DocumentHelper.parseText(((org.jivesoftware.smack.packet.UnparsedIQ) reply).getContent().toString())
                .getRootElement();
    }

    @Test
    void metadataGivesTheFirstAndTheLastMessageOfAnArchiveIncludingOneJustSent() throws Exception {
        try (NodeWithClients env = new NodeWithClients(Map.of())) {
            String alice = env.newUser();
            String bob = env.newUser();
            XMPPTCPConnection a = env.clients.login(alice, "secret", "phone");
            XMPPTCPConnection b = env.clients.login(bob, "secret", "desk");
            List<Message> toBob = inbox(b);

            org.dom4j.Element empty = metadata(b, null);
            assertThat(empty.getName()).isEqualTo("metadata");
            assertThat(empty.getNamespaceURI()).isEqualTo("urn:xmpp:mam:2");
            assertThat(empty.elements()).isEmpty();

            for (int i = 0; i < 3; i++) {
                send(a, env.jid(bob), "meta " + i);
            }
            await().atMost(WAIT).until(() -> toBob.size() == 3);
            org.dom4j.Element bobs = metadata(b, null);
            String firstId = stanzaIds(toBob.get(0)).get(0).getId();
            String lastId = stanzaIds(toBob.get(2)).get(0).getId();
            assertThat(bobs.element("start").attributeValue("id")).isEqualTo(firstId);
            assertThat(bobs.element("end").attributeValue("id")).isEqualTo(lastId);
            assertThat(Instant.parse(bobs.element("start").attributeValue("timestamp")))
                    .isEqualTo(org.skein.stanzaid.StanzaIdGenerator.instantOf(firstId));
            assertThat(Instant.parse(bobs.element("end").attributeValue("timestamp")))
                    .isBeforeOrEqualTo(Instant.now().plusSeconds(1));

            // the sender asks right after sending, before anything says the message arrived
            send(a, env.jid(bob), "meta 3");
            org.dom4j.Element alices = metadata(a, null);
            MamManager.MamQuery last = MamManager.getInstanceFor(a).queryMostRecentPage(null, 1);
            assertThat(last.getMessages()).extracting(Message::getBody).containsExactly("meta 3");
            assertThat(alices.element("end").attributeValue("id")).isEqualTo(last.getMamResultExtensions().get(0).getId());

            // a room's archive answers at its address
            org.skein.muc.MucService service = env.node.multiUserChat().service("conference.localhost").orElseThrow();
            service.createRoom("told", org.skein.muc.RoomConfig.builder().persistent(true).logging(true).build(), env.jid(alice)).get();
            org.jxmpp.jid.Jid room = JidCreate.entityBareFrom("told@conference.localhost");
            assertThat(metadata(b, room).elements()).isEmpty();
            org.jivesoftware.smackx.muc.MultiUserChat told = org.jivesoftware.smackx.muc.MultiUserChatManager.getInstanceFor(a)
                    .getMultiUserChat(JidCreate.entityBareFrom("told@conference.localhost"));
            told.join(org.jxmpp.jid.parts.Resourcepart.from("al"));
            List<Message> heard = new CopyOnWriteArrayList<>();
            told.addMessageListener(msg -> {
                if (msg.getBody() != null) {
                    heard.add(msg);
                }
            });
            told.sendMessage("said once");
            told.sendMessage("said twice");
            await().atMost(WAIT).until(() -> heard.size() == 2);
            org.dom4j.Element rooms = metadata(b, room);
            assertThat(rooms.element("start").attributeValue("id")).isEqualTo(stanzaIds(heard.get(0)).get(0).getId());
            assertThat(rooms.element("end").attributeValue("id")).isEqualTo(stanzaIds(heard.get(1)).get(0).getId());

            // metadata is read, never set
            XMPPErrorException wrongType = org.junit.jupiter.api.Assertions.assertThrows(XMPPErrorException.class,
                    () -> RawIq.send(b, new RawIq(IQ.Type.set, "metadata", "urn:xmpp:mam:2", "", null)));
            assertThat(wrongType.getStanzaError().getCondition()).isEqualTo(StanzaError.Condition.bad_request);
        }
    }
}
