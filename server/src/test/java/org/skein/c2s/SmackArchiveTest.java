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
                await().atMost(WAIT).until(() -> toBob.size() == expected);
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
}
