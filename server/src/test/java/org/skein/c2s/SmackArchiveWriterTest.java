package org.skein.c2s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.mam.MamManager;
import org.jivesoftware.smackx.mam.element.MamElements.MamResultExtension;
import org.jivesoftware.smackx.sid.element.StanzaIdElement;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.jxmpp.jid.impl.JidCreate;
import org.skein.XmppServer;
import org.skein.mam.ArchiveFilter;
import org.skein.mam.ArchivedMessage;
import org.skein.storage.Database;
import org.skein.testing.TestDatabase;

/**
 * The archive writer (group commit) seen by Smack clients, on H2 and PostgreSQL: a burst is all in the
 * archive, in order, as soon as it is delivered; a query right after a send sees the message; a database
 * that fails for a while holds back no delivery and loses no archived message; a node that stops writes
 * what its writer holds.
 */
class SmackArchiveWriterTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    static Stream<Arguments> databases() {
        return Stream.of(Arguments.of("h2"), Arguments.of("postgres"));
    }

    /** A node on the database named: its own H2 file, or a schema of its own on PostgreSQL (dropped by close). */
    private static final class Env implements AutoCloseable {
        final Map<String, String> config = new HashMap<>();
        final String schema;
        final NodeWithClients node;

        Env(String kind) throws Exception {
            if (kind.equals("postgres")) {
                schema = "t_" + UUID.randomUUID().toString().replace("-", "");
                try (Connection c = DriverManager.getConnection(TestDatabase.POSTGRES_URL, "skein", "skein");
                     Statement s = c.createStatement()) {
                    s.execute("CREATE SCHEMA " + schema);
                }
                config.put("db.url", TestDatabase.POSTGRES_URL + "?currentSchema=" + schema);
                config.put("db.user", "skein");
                config.put("db.password", "skein");
            } else {
                schema = null;
            }
            node = new NodeWithClients(config);
        }

        @Override
        public void close() throws Exception {
            try {
                node.close();
            } finally {
                if (schema != null) {
                    try (Connection c = DriverManager.getConnection(TestDatabase.POSTGRES_URL, "skein", "skein");
                         Statement s = c.createStatement()) {
                        s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
                    }
                }
            }
        }
    }

    private static List<Message> inbox(XMPPTCPConnection client) {
        List<Message> inbox = new CopyOnWriteArrayList<>();
        client.addSyncStanzaListener(s -> inbox.add((Message) s), s -> s instanceof Message m && m.getBody() != null
                && m.getExtension(MamResultExtension.QNAME) == null);
        return inbox;
    }

    /** Waits until the inbox holds every body sent, once each, in order; a failure names what is missing or came twice. */
    private static void awaitAll(List<Message> inbox, List<String> sent) {
        await().atMost(WAIT).untilAsserted(() -> {
            List<String> got = inbox.stream().map(Message::getBody).toList();
            assertThat(got).as("%d of %d arrived; missing: %s; more than once: %s", got.size(), sent.size(),
                    sent.stream().filter(b -> !got.contains(b)).toList(),
                    got.stream().filter(b -> got.indexOf(b) != got.lastIndexOf(b)).distinct()
                            .map(b -> b + " at " + got.indexOf(b) + " and " + got.lastIndexOf(b)).toList())
                    .isEqualTo(sent);
        });
    }

    private static void send(XMPPTCPConnection from, String to, String body) throws Exception {
        from.sendStanza(from.getStanzaFactory().buildMessageStanza().to(JidCreate.from(to)).ofType(Message.Type.chat)
                .setBody(body).build());
    }

    /** Every message of the client's archive, paging forward 100 at a time. */
    private static List<MamResultExtension> wholeArchive(XMPPTCPConnection client) throws Exception {
        MamManager.MamQuery query = MamManager.getInstanceFor(client).queryArchive(MamManager.MamQueryArgs.builder()
                .setResultPageSizeTo(100).build());
        List<MamResultExtension> all = new ArrayList<>(query.getMamResultExtensions());
        while (!query.isComplete()) {
            query.pageNext(100);
            all.addAll(query.getMamResultExtensions());
        }
        return all;
    }

    private static List<String> bodies(List<MamResultExtension> results) {
        return results.stream().map(r -> r.getForwarded().getForwardedStanza().getBody()).toList();
    }

    private static List<String> numbered(String prefix, int count) {
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            bodies.add(prefix + i);
        }
        return bodies;
    }

    private static String stanzaId(Message message, String by) {
        return message.getExtensions(StanzaIdElement.ELEMENT, StanzaIdElement.NAMESPACE).stream().map(e -> (StanzaIdElement) e)
                .filter(e -> e.getBy().equals(by)).findFirst().orElseThrow().getId();
    }

    private static void sql(Database database, String statement) throws Exception {
        try (Connection c = database.connection(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aBurstIsAllInBothArchivesInOrderAsSoonAsItIsDelivered(String kind) throws Exception {
        try (Env env = new Env(kind)) {
            NodeWithClients n = env.node;
            String alice = n.newUser();
            String bob = n.newUser();
            XMPPTCPConnection a = n.clients.login(alice, "secret", "phone");
            XMPPTCPConnection b = n.clients.login(bob, "secret", "desk");
            List<Message> toBob = inbox(b);
            List<String> sent = numbered("burst ", 400);
            for (String body : sent) {
                send(a, n.jid(bob), body);
            }
            awaitAll(toBob, sent);

            List<MamResultExtension> bobs = wholeArchive(b);
            assertThat(bodies(bobs)).isEqualTo(sent);
            assertThat(bobs).extracting(MamResultExtension::getId)
                    .isEqualTo(toBob.stream().map(m -> stanzaId(m, n.jid(bob))).toList());
            assertThat(bodies(wholeArchive(a))).isEqualTo(sent);
            assertThat(n.node.messageArchive().writerStats().transactions()).isLessThan(sent.size());
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aQueryRightAfterASendSeesTheMessage(String kind) throws Exception {
        try (Env env = new Env(kind)) {
            NodeWithClients n = env.node;
            String alice = n.newUser();
            String bob = n.newUser();
            XMPPTCPConnection a = n.clients.login(alice, "secret", "phone");
            XMPPTCPConnection b = n.clients.login(bob, "secret", "desk");
            MamManager mam = MamManager.getInstanceFor(a);
            for (int i = 0; i < 25; i++) {
                send(a, n.jid(bob), "now " + i);
                // no wait for the delivery nor the commit: the query comes right behind the message on the stream
                assertThat(mam.queryMostRecentPage(JidCreate.bareFrom(n.jid(bob)), 1).getMessages())
                        .extracting(Message::getBody).containsExactly("now " + i);
            }
            assertThat(bodies(wholeArchive(b))).isEqualTo(numbered("now ", 25));
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aDatabaseThatFailsForAWhileHoldsBackNoDeliveryAndLosesNoArchivedMessage(String kind) throws Exception {
        try (Env env = new Env(kind)) {
            NodeWithClients n = env.node;
            XmppServer node = n.node;
            String alice = n.newUser();
            String bob = n.newUser();
            XMPPTCPConnection a = n.clients.login(alice, "secret", "phone");
            XMPPTCPConnection b = n.clients.login(bob, "secret", "desk");
            List<Message> toBob = inbox(b);
            send(a, n.jid(bob), "before");
            await().atMost(WAIT).until(() -> toBob.size() == 1);
            assertThat(bodies(wholeArchive(b))).containsExactly("before");

            sql(node.database(), "ALTER TABLE skein_archive RENAME TO skein_archive_away");
            long failuresBefore = node.messageArchive().writerStats().failures();
            List<String> during = numbered("during ", 50);
            for (String body : during) {
                send(a, n.jid(bob), body);
            }
            await().atMost(WAIT).until(() -> toBob.size() == 51);
            assertThat(toBob.subList(1, 51)).allSatisfy(m -> assertThat(stanzaId(m, n.jid(bob))).hasSize(19));
            await().atMost(WAIT).until(() -> node.messageArchive().writerStats().failures() > failuresBefore);
            sql(node.database(), "ALTER TABLE skein_archive_away RENAME TO skein_archive");

            List<String> expected = new ArrayList<>(List.of("before"));
            expected.addAll(during);
            assertThat(bodies(wholeArchive(b))).isEqualTo(expected);
            assertThat(bodies(wholeArchive(a))).isEqualTo(expected);
            assertThat(node.messageArchive().writerStats().lost()).isZero();
            assertThat(node.messageArchive().writerStats().rejected()).isZero();
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aNodeThatStopsWritesWhatItsWriterHolds(String kind) throws Exception {
        try (Env env = new Env(kind)) {
            NodeWithClients n = env.node;
            String alice = n.newUser();
            String bob = n.newUser();
            XMPPTCPConnection a = n.clients.login(alice, "secret", "phone");
            XMPPTCPConnection b = n.clients.login(bob, "secret", "desk");
            List<Message> toBob = inbox(b);
            List<String> sent = numbered("last words ", 300);
            for (String body : sent) {
                send(a, n.jid(bob), body);
            }
            awaitAll(toBob, sent);
            n.node.stop(); // at once: whatever the writer still holds goes now

            XmppServer again = n.nodes.start("node", withTestDefaults(env.config));
            List<String> archived = again.messageArchive().store().select(ArchiveFilter.all(bob), false, 1000).stream()
                    .map(ArchivedMessage::stanza).map(x -> x.replaceAll(".*<body>(.*)</body>.*", "$1")).toList();
            assertThat(archived).isEqualTo(sent);
            assertThat(again.messageArchive().store().select(ArchiveFilter.all(alice), false, 1000)).hasSize(sent.size());
        }
    }

    private static Map<String, String> withTestDefaults(Map<String, String> config) {
        Map<String, String> all = new HashMap<>(config);
        all.put("xmpp.sasl.failureDelay", "20ms");
        return all;
    }
}
