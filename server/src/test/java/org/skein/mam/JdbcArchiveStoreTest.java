package org.skein.mam;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.skein.cluster.NodeID;
import org.skein.stanzaid.StanzaIdGenerator;
import org.skein.storage.Database;
import org.skein.testing.TestDatabase;

/**
 * The archive tables on H2 and on PostgreSQL: ranges of ids from either end, filters by contact and by
 * full JID, ids that exist, sizes, removal of one archive, of old messages, and with the account.
 */
class JdbcArchiveStoreTest {

    @TempDir
    Path dir;

    static Stream<Arguments> databases() {
        return Stream.of(Arguments.of("h2"), Arguments.of("postgres"));
    }

    private TestDatabase open(String kind) {
        return kind.equals("h2") ? TestDatabase.h2(dir) : TestDatabase.postgres(dir);
    }

    private static void createUser(Database database, String name) throws Exception {
        try (var c = database.connection(); var s = c.prepareStatement(
                "INSERT INTO skein_user (username, name, email, created_at) VALUES (?, '', '', 0)")) {
            s.setString(1, name);
            s.executeUpdate();
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void pagesFiltersSizesAndRemoval(String kind) throws Exception {
        try (TestDatabase db = open(kind)) {
            Database database = db.database();
            createUser(database, "bob");
            createUser(database, "carol");
            JdbcArchiveStore store = JdbcArchiveStore.accounts(database);
            StanzaIdGenerator ids = new StanzaIdGenerator(NodeID.of("one"),
                    Clock.fixed(Instant.parse("2026-12-01T00:00:00Z"), ZoneOffset.UTC));
            List<String> written = new ArrayList<>();
            List<ArchivedMessage> rows = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String id = ids.next();
                written.add(id);
                String with = i % 4 == 0 ? "alice@localhost" : "dave@localhost";
                rows.add(new ArchivedMessage("bob", id, StanzaIdGenerator.instantOf(id), with, i % 8 == 0 ? "phone" : "desk", false,
                        "<message><body>" + i + "</body></message>"));
            }
            store.append(rows);
            store.append(List.of(new ArchivedMessage("carol", ids.next(), Instant.now(), "bob@localhost", null, true, "<message/>")));

            ArchiveFilter all = ArchiveFilter.all("bob");
            assertThat(store.select(all, false, 5)).extracting(ArchivedMessage::id).isEqualTo(written.subList(0, 5));
            assertThat(store.select(all, true, 5)).extracting(ArchivedMessage::id).isEqualTo(written.subList(35, 40));
            ArchiveFilter middle = all.within(written.get(9), written.get(20));
            assertThat(store.select(middle, false, 100)).extracting(ArchivedMessage::id).isEqualTo(written.subList(10, 20));
            assertThat(store.count(middle)).isEqualTo(10);
            ArchiveFilter alice = new ArchiveFilter("bob", "alice@localhost", null, null, null, List.of());
            assertThat(store.select(alice, false, 100)).hasSize(10).allMatch(m -> m.withBare().equals("alice@localhost"));
            ArchiveFilter alicesPhone = new ArchiveFilter("bob", "alice@localhost", "phone", null, null, List.of());
            assertThat(store.select(alicesPhone, true, 100)).extracting(ArchivedMessage::id)
                    .containsExactly(written.get(0), written.get(8), written.get(16), written.get(24), written.get(32));
            ArchiveFilter chosen = new ArchiveFilter("bob", null, null, null, null, List.of(written.get(3), written.get(30)));
            assertThat(store.select(chosen, false, 10)).extracting(ArchivedMessage::id).containsExactly(written.get(3), written.get(30));
            assertThat(store.existing("bob", List.of(written.get(1), "nope", written.get(2)))).containsExactlyInAnyOrder(written.get(1),
                    written.get(2));
            assertThat(store.existing("carol", List.of(written.get(1)))).isEmpty();
            ArchivedMessage first = store.select(all, false, 1).get(0);
            assertThat(first.stamp()).isEqualTo(StanzaIdGenerator.instantOf(written.get(0)));
            assertThat(first.withResource()).isEqualTo("phone");
            assertThat(first.stanza()).isEqualTo("<message><body>0</body></message>");

            assertThat(store.largest(10)).extracting(ArchiveStore.ArchiveSize::owner, ArchiveStore.ArchiveSize::messages)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("bob", 40L), org.assertj.core.groups.Tuple.tuple("carol", 1L));

            // older than the 21st id's time: the first 20 go (the ids are 1 us apart)
            assertThat(store.removeOlderThan(StanzaIdGenerator.instantOf(written.get(20)), 7)).isEqualTo(20);
            assertThat(store.select(all, false, 1)).extracting(ArchivedMessage::id).containsExactly(written.get(20));
            assertThat(store.removeAll("bob")).isEqualTo(20);
            assertThat(store.count(ArchiveFilter.all("carol"))).isEqualTo(1);
            try (var c = database.connection(); var s = c.prepareStatement("DELETE FROM skein_user WHERE username = 'carol'")) {
                s.executeUpdate();
            }
            assertThat(store.count(ArchiveFilter.all("carol"))).isZero();
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void preferencesRoundTrip(String kind) throws Exception {
        try (TestDatabase db = open(kind)) {
            createUser(db.database(), "bob");
            JdbcArchivePrefsStore prefs = new JdbcArchivePrefsStore(db.database());
            assertThat(prefs.load("bob")).isEmpty();
            ArchivePrefs set = new ArchivePrefs(ArchivePrefs.Mode.ROSTER, java.util.Set.of("alice@localhost"),
                    java.util.Set.of("spam@example.org", "alice@localhost/phone"));
            prefs.save("bob", set);
            assertThat(prefs.load("bob")).contains(set);
            prefs.save("bob", ArchivePrefs.DEFAULT);
            assertThat(prefs.load("bob")).contains(ArchivePrefs.DEFAULT);
        }
    }
}
