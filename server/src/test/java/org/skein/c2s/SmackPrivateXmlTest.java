package org.skein.c2s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.jivesoftware.smack.XMPPException.XMPPErrorException;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.bookmarks.BookmarkManager;
import org.jivesoftware.smackx.bookmarks.BookmarkedConference;
import org.jivesoftware.smackx.iqprivate.PrivateDataManager;
import org.jivesoftware.smackx.iqprivate.packet.DefaultPrivateData;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Resourcepart;

/** Private XML storage (XEP-0049) on one node, with Smack's private data and legacy bookmark managers. */
class SmackPrivateXmlTest {

    @Test
    void aUserKeepsDataPerNamespaceAcrossSessionsAndOthersCannotReadIt() throws Exception {
        try (NodeWithClients env = new NodeWithClients(Map.of())) {
            String alice = env.newUser();
            String bob = env.newUser();
            XMPPTCPConnection a = env.clients.login(alice, "secret", "phone");
            PrivateDataManager data = PrivateDataManager.getInstanceFor(a);
            assertThat(data.isSupported()).isTrue();

            DefaultPrivateData prefs = new DefaultPrivateData("prefs", "test:prefs");
            prefs.setValue("nick", "Al");
            prefs.setValue("theme", "dark");
            data.setPrivateData(prefs);
            BookmarkManager bookmarks = BookmarkManager.getBookmarkManager(a);
            bookmarks.addBookmarkedConference("Tea party", JidCreate.entityBareFrom("tea@conference.example.org"), true,
                    Resourcepart.from("alice"), null);

            DefaultPrivateData empty = (DefaultPrivateData) data.getPrivateData("nothing", "test:nothing");
            assertThat(empty.getNames()).isEmpty();
            a.disconnect();

            XMPPTCPConnection again = env.clients.login(alice, "secret", "laptop");
            DefaultPrivateData read = (DefaultPrivateData) PrivateDataManager.getInstanceFor(again).getPrivateData("prefs", "test:prefs");
            assertThat(read.getValue("nick")).isEqualTo("Al");
            assertThat(read.getValue("theme")).isEqualTo("dark");
            assertThat(BookmarkManager.getBookmarkManager(again).getBookmarkedConferences())
                    .extracting(BookmarkedConference::getName, c -> c.getJid().toString(), BookmarkedConference::isAutoJoin)
                    .containsExactly(tuple("Tea party", "tea@conference.example.org", true));

            XMPPTCPConnection b = env.clients.login(bob, "secret", "desk");
            RawIq peek = new RawIq(IQ.Type.get, "query", "jabber:iq:private", "<prefs xmlns='test:prefs'/>",
                    JidCreate.entityBareFrom(env.jid(alice)));
            assertThatThrownBy(() -> RawIq.send(b, peek)).isInstanceOfSatisfying(XMPPErrorException.class, e ->
                    assertThat(e.getStanzaError().getCondition()).isEqualTo(StanzaError.Condition.forbidden));
            DefaultPrivateData bobs = (DefaultPrivateData) PrivateDataManager.getInstanceFor(b).getPrivateData("prefs", "test:prefs");
            assertThat(bobs.getNames()).isEmpty();
        }
    }

    @Test
    void emptyReservedAndOversizedRequestsAreNotAcceptable() throws Exception {
        try (NodeWithClients env = new NodeWithClients(Map.of("privatedata.maxSize", "1KiB"))) {
            XMPPTCPConnection a = env.clients.login(env.newUser(), "secret", "phone");

            assertNotAcceptable(a, new RawIq(IQ.Type.get, "query", "jabber:iq:private", "", null));
            assertNotAcceptable(a, new RawIq(IQ.Type.set, "query", "jabber:iq:private", "", null));
            assertNotAcceptable(a, new RawIq(IQ.Type.get, "query", "jabber:iq:private", "<a xmlns='x:a'/><b xmlns='x:b'/>", null));
            assertNotAcceptable(a, new RawIq(IQ.Type.set, "query", "jabber:iq:private", "<vCard xmlns='vcard-temp'/>", null));
            assertNotAcceptable(a, new RawIq(IQ.Type.set, "query", "jabber:iq:private", "<x xmlns='jabber:x:data'/>", null));
            assertNotAcceptable(a, new RawIq(IQ.Type.set, "query", "jabber:iq:private", "<unqualified/>", null));

            RawIq.send(a, new RawIq(IQ.Type.set, "query", "jabber:iq:private", "<n xmlns='x:n'>" + "a".repeat(500) + "</n>", null));
            XMPPErrorException tooLarge = assertThrows(XMPPErrorException.class, () ->
                    RawIq.send(a, new RawIq(IQ.Type.set, "query", "jabber:iq:private", "<m xmlns='x:m'>" + "b".repeat(600) + "</m>", null)));
            assertThat(tooLarge.getStanzaError().getCondition()).isEqualTo(StanzaError.Condition.not_acceptable);
            assertThat(tooLarge.getStanzaError().getDescriptiveText()).contains("1024");
            // replacing the kept namespace with something as large counts once
            RawIq.send(a, new RawIq(IQ.Type.set, "query", "jabber:iq:private", "<n xmlns='x:n'>" + "c".repeat(600) + "</n>", null));
        }
    }

    private static void assertNotAcceptable(XMPPTCPConnection connection, RawIq iq) {
        assertThatThrownBy(() -> RawIq.send(connection, iq)).isInstanceOfSatisfying(XMPPErrorException.class, e ->
                assertThat(e.getStanzaError().getCondition()).isEqualTo(StanzaError.Condition.not_acceptable));
    }
}
