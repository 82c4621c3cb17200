package org.skein.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.benmanes.caffeine.cache.Ticker;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.skein.cache.Cache;
import org.skein.cache.CacheFactory;
import org.skein.cluster.NodeID;
import org.skein.config.CacheSettingsResolver;
import org.skein.config.ServerConfig;
import org.xmpp.packet.JID;
import org.xmpp.packet.Presence;
import org.xmpp.packet.StreamError;

/**
 * The stream management journal on one node's caches: what a session sends is written, what its client acknowledges
 * goes, the header follows the counters and the presence, a claim takes the header and the unacknowledged stanzas in
 * order (once), and a session that ends or moves away leaves nothing behind (but never removes its successor's header).
 */
class SessionJournalTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private final CacheFactory caches = new CacheFactory(NodeID.of("one"),
            new CacheSettingsResolver(ServerConfig.inMemory(Map.of()))::resolve, Ticker.systemTicker());
    private final SessionJournal journal = new SessionJournal(caches, NodeID.of("one"), r -> new Thread(r, "sm-journal-test"));
    private final Cache<String, String> entries = caches.<String, String>getCache(SessionJournal.ENTRIES_CACHE).orElseThrow();
    private final Cache<String, JournalHeader> headers = caches.<String, JournalHeader>getCache(SessionJournal.HEADERS_CACHE).orElseThrow();

    @AfterEach
    void stop() {
        journal.stop();
    }

    @Test
    void whatTheClientDidNotAcknowledgeIsJournaledAndAClaimTakesItInOrderOnce() {
        LocalClientSession session = session("sm1");
        for (int i = 1; i <= 5; i++) {
            session.sendStanzaXml(message(i));
        }
        session.stanzaReceived();
        session.stanzaReceived();
        assertThat(session.acknowledge(2)).isTrue();
        Presence away = new Presence();
        away.setFrom(session.address());
        away.setShow(Presence.Show.away);
        session.setPresence(away);
        await().atMost(WAIT).until(() -> journal.idle() && entries.size() == 3 && headers.get("sm1") != null
                && headers.get("sm1").ackedSeq() == 2 && headers.get("sm1").inbound() == 2 && !headers.get("sm1").presenceXml().isEmpty());
        JournalHeader header = headers.get("sm1");
        assertThat(header.node()).isEqualTo(NodeID.of("one"));
        assertThat(header.fullJid()).isEqualTo("alice@localhost/phone");
        assertThat(header.acked()).isEqualTo(2);
        assertThat(header.resumeTimeoutMillis()).isEqualTo(300_000);

        assertThat(journal.claim("sm1", h -> false)).as("not claimable: left as it is").isNull();
        assertThat(headers.get("sm1")).isNotNull();
        SessionJournal.Claim claim = journal.claim("sm1", h -> true);
        assertThat(claim.unacked()).containsExactly(message(3), message(4), message(5));
        assertThat(claim.header().inbound()).isEqualTo(2);
        assertThat(journal.claim("sm1", h -> true)).as("claimed once").isNull();
        assertThat(entries).isEmpty();
        assertThat(headers).isEmpty();
    }

    @Test
    void aSessionThatEndsLeavesNothingBehind() {
        LocalClientSession session = session("sm2");
        session.sendStanzaXml(message(1));
        session.sendStanzaXml(message(2));
        await().atMost(WAIT).until(() -> entries.size() == 2 && headers.containsKey("sm2"));
        assertThat(session.drainUnacknowledged()).containsExactly(message(1), message(2));
        await().atMost(WAIT).until(() -> journal.idle() && entries.isEmpty() && headers.isEmpty());
        session.sendStanzaXml(message(3)); // after its end nothing is journaled
        assertThat(journal.idle()).isTrue();
        assertThat(entries).isEmpty();
    }

    @Test
    void theOldHolderOfAMovedSessionDoesNotRemoveTheNewHoldersHeader() {
        LocalClientSession old = session("sm3");
        old.sendStanzaXml(message(1));
        await().atMost(WAIT).until(() -> journal.idle() && headers.containsKey("sm3"));
        JournalHeader successor = new JournalHeader(NodeID.of("two"), "alice@localhost/phone", "sm3/two/1", 0, 0, 0, 300_000, "",
                false, false);
        headers.put("sm3", successor);
        old.drainUnacknowledged();
        await().atMost(WAIT).until(() -> journal.idle() && entries.isEmpty());
        assertThat(headers.get("sm3")).isEqualTo(successor);
        assertThat(journal.orphans(node -> node.equals(NodeID.of("two")))).containsOnlyKeys("sm3");
        assertThat(journal.orphans(node -> false)).isEmpty();
    }

    private LocalClientSession session(String id) {
        LocalClientSession session = new LocalClientSession(new Connection(), new JID("alice@localhost/phone"), NodeID.of("one"),
                "stream-" + id, Instant.now());
        assertThat(session.enableStreamManagement(new StreamManagement(id, true, Duration.ofMinutes(5), 100), "<enabled/>", () -> { }))
                .isTrue();
        session.attachJournal(journal);
        return session;
    }

    private static String message(int i) {
        return "<message xmlns=\"jabber:client\" to=\"alice@localhost/phone\" type=\"chat\"><body>" + i + "</body></message>";
    }

    /** A connection without a socket. */
    private static final class Connection implements ClientConnection {
        final List<String> sent = new CopyOnWriteArrayList<>();

        @Override public Executor executor() { return Runnable::run; }
        @Override public void schedule(Runnable task, Duration delay) { task.run(); }
        @Override public InetSocketAddress remoteAddress() { return new InetSocketAddress("127.0.0.1", 5222); }
        @Override public boolean isSecure() { return true; }
        @Override public boolean isOpen() { return true; }
        @Override public void send(String xml) { sent.add(xml); }
        @Override public void startTls(String proceed) { throw new UnsupportedOperationException(); }
        @Override public void restartStream(String success) { throw new UnsupportedOperationException(); }
        @Override public void resumeParsing() { }
        @Override public void closeWithError(StreamError.Condition condition, String text) { }
        @Override public void close() { }
    }
}
