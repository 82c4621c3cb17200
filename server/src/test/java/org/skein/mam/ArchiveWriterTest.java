package org.skein.mam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.skein.cluster.NodeID;
import org.skein.stanzaid.StanzaIdGenerator;
import org.skein.storage.Database;
import org.skein.testing.TestDatabase;

/**
 * The archive writer on H2 and PostgreSQL: a burst goes in few transactions and in full; what is queued
 * at close is written; a database that fails (the table gone for a while) loses nothing; a row the
 * database rejects is left out and logged, the others written; a full queue hands the write back.
 */
class ArchiveWriterTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> new Thread(r, "archive-writer-test"));
    private final Set<Long> released = ConcurrentHashMap.newKeySet();
    private final StanzaIdGenerator ids = new StanzaIdGenerator(NodeID.of("one"), java.time.Clock.systemUTC());

    static Stream<Arguments> databases() {
        return Stream.of(Arguments.of("h2"), Arguments.of("postgres"));
    }

    @AfterEach
    void stopThread() throws InterruptedException {
        thread.shutdownNow();
        assertThat(thread.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    private TestDatabase open(String kind) throws Exception {
        TestDatabase db = kind.equals("h2") ? TestDatabase.h2(dir) : TestDatabase.postgres(dir);
        for (String user : List.of("bob", "carol")) {
            try (var c = db.database().connection(); var s = c.prepareStatement(
                    "INSERT INTO skein_user (username, name, email, created_at) VALUES (?, '', '', 0)")) {
                s.setString(1, user);
                s.executeUpdate();
            }
        }
        return db;
    }

    private ArchiveWriter writer(ArchiveWriterSettings settings) {
        return new ArchiveWriter(settings, thread, values -> {
            for (long v : values) {
                released.add(v);
            }
        });
    }

    private static ArchiveWriterSettings settings(int queue, int batch, Duration fullWait) {
        return new ArchiveWriterSettings(queue, batch, fullWait, Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofSeconds(30));
    }

    private ArchiveWriter.Append append(ArchiveStore store, String owner, int n) {
        long value = ids.nextValue();
        String id = ids.format(value);
        return new ArchiveWriter.Append(store, List.of(new ArchivedMessage(owner, id, StanzaIdGenerator.instantOf(id), "alice@localhost",
                "phone", false, "<message><body>" + n + "</body></message>")), new long[] {value});
    }

    private static List<String> bodies(ArchiveStore store, String owner) {
        List<String> bodies = new ArrayList<>();
        for (ArchivedMessage m : store.select(ArchiveFilter.all(owner), false, 100_000)) {
            bodies.add(m.stanza().replaceAll(".*<body>(.*)</body>.*", "$1"));
        }
        return bodies;
    }

    private static List<String> numbers(int from, int to) {
        List<String> n = new ArrayList<>();
        for (int i = from; i < to; i++) {
            n.add(Integer.toString(i));
        }
        return n;
    }

    private static void sql(Database database, String statement) throws Exception {
        try (Connection c = database.connection(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aBurstIsWrittenInFullInOrderInFarFewerTransactionsThanMessages(String kind) throws Exception {
        try (TestDatabase db = open(kind)) {
            JdbcArchiveStore store = JdbcArchiveStore.accounts(db.database());
            ArchiveWriter writer = writer(settings(10_000, 500, Duration.ofSeconds(1)));
            writer.start();
            List<Long> values = new ArrayList<>();
            for (int i = 0; i < 3000; i++) {
                ArchiveWriter.Append a = append(store, "bob", i);
                values.add(a.values()[0]);
                assertThat(writer.offer(a)).isTrue();
            }
            await().atMost(WAIT).until(() -> released.containsAll(values));
            assertThat(bodies(store, "bob")).isEqualTo(numbers(0, 3000));
            ArchiveWriter.Stats stats = writer.stats();
            assertThat(stats.rows()).isEqualTo(3000);
            assertThat(stats.batches()).isLessThan(3000);
            writer.close();
            assertThat(writer.offer(append(store, "bob", 3000))).isFalse();
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void closeWritesWhatIsQueued(String kind) throws Exception {
        try (TestDatabase db = open(kind)) {
            CountDownLatch gate = new CountDownLatch(1);
            GatedStore store = new GatedStore(JdbcArchiveStore.accounts(db.database()), gate);
            ArchiveWriter writer = writer(settings(10_000, 100, Duration.ofSeconds(1)));
            writer.start();
            for (int i = 0; i < 1000; i++) {
                assertThat(writer.offer(append(store, "bob", i))).isTrue();
            }
            await().atMost(WAIT).until(() -> store.waiting > 0); // the first batch is held at the database
            Thread closing = new Thread(writer::close, "closing");
            closing.start();
            gate.countDown();
            closing.join(WAIT.toMillis());
            assertThat(closing.isAlive()).isFalse();
            assertThat(bodies(store, "bob")).isEqualTo(numbers(0, 1000));
            assertThat(writer.stats().lost()).isZero();
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aDatabaseThatFailsForAWhileLosesNothingAndTheSettleWaitsForIt(String kind) throws Exception {
        try (TestDatabase db = open(kind)) {
            JdbcArchiveStore store = JdbcArchiveStore.accounts(db.database());
            ArchiveWriter writer = writer(settings(10_000, 50, Duration.ofSeconds(1)));
            writer.start();
            for (int i = 0; i < 100; i++) {
                assertThat(writer.offer(append(store, "bob", i))).isTrue();
            }
            await().atMost(WAIT).until(() -> released.size() == 100);
            sql(db.database(), "ALTER TABLE skein_archive RENAME TO skein_archive_away");
            List<Long> during = new ArrayList<>();
            for (int i = 100; i < 400; i++) {
                ArchiveWriter.Append a = append(store, "bob", i);
                during.add(a.values()[0]);
                assertThat(writer.offer(a)).isTrue(); // the message path does not wait for the database
            }
            await().atMost(WAIT).until(() -> writer.stats().failures() >= 2);
            assertThat(released).doesNotContainAnyElementsOf(during); // a query settling now would wait
            sql(db.database(), "ALTER TABLE skein_archive_away RENAME TO skein_archive");
            await().atMost(WAIT).until(() -> released.containsAll(during));
            assertThat(bodies(store, "bob")).isEqualTo(numbers(0, 400));
            assertThat(writer.stats().lost()).isZero();
            writer.close();
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aRowTheDatabaseRejectsIsLeftOutAndTheOthersAreWritten(String kind) throws Exception {
        try (TestDatabase db = open(kind)) {
            JdbcArchiveStore store = JdbcArchiveStore.accounts(db.database());
            CountDownLatch gate = new CountDownLatch(1);
            GatedStore gated = new GatedStore(store, gate);
            ArchiveWriter writer = writer(settings(10_000, 500, Duration.ofSeconds(1)));
            writer.start();
            assertThat(writer.offer(append(gated, "bob", 0))).isTrue();
            await().atMost(WAIT).until(() -> gated.waiting > 0);
            // queued behind the held write, so they go in one batch: an account that is gone in the middle
            List<Long> values = new ArrayList<>();
            for (int i = 1; i < 30; i++) {
                ArchiveWriter.Append a = append(gated, i == 15 ? "ghost" : i % 2 == 0 ? "bob" : "carol", i);
                values.add(a.values()[0]);
                assertThat(writer.offer(a)).isTrue();
            }
            gate.countDown();
            await().atMost(WAIT).until(() -> released.containsAll(values));
            assertThat(writer.stats().rejected()).isEqualTo(1);
            List<String> bobs = new ArrayList<>(List.of("0"));
            List<String> carols = new ArrayList<>();
            for (int i = 1; i < 30; i++) {
                if (i != 15) {
                    (i % 2 == 0 ? bobs : carols).add(Integer.toString(i));
                }
            }
            assertThat(bodies(store, "bob")).isEqualTo(bobs);
            assertThat(bodies(store, "carol")).isEqualTo(carols);
            assertThat(bodies(store, "ghost")).isEmpty();
            writer.close();
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aFullQueueHandsTheWriteBackAndARemovalFollowsItsRow(String kind) throws Exception {
        try (TestDatabase db = open(kind)) {
            JdbcArchiveStore store = JdbcArchiveStore.accounts(db.database());
            CountDownLatch gate = new CountDownLatch(1);
            GatedStore gated = new GatedStore(store, gate);
            ArchiveWriter writer = writer(settings(3, 10, Duration.ofMillis(1)));
            writer.start();
            assertThat(writer.offer(append(gated, "bob", 0))).isTrue();
            await().atMost(WAIT).until(() -> gated.waiting > 0);
            ArchiveWriter.Append bounced = append(gated, "bob", 1);
            assertThat(writer.offer(bounced)).isTrue();
            assertThat(writer.offer(new ArchiveWriter.Remove(gated, "bob", bounced.rows().get(0).id()))).isTrue();
            assertThat(writer.offer(append(gated, "bob", 2))).isTrue();
            assertThat(writer.offer(append(gated, "bob", 3))).isFalse(); // full: the caller writes it
            assertThat(writer.stats().fallbacks()).isEqualTo(1);
            gate.countDown();
            await().atMost(WAIT).until(() -> writer.pending() == 0 && released.size() == 3);
            writer.close();
            assertThat(bodies(store, "bob")).containsExactly("0", "2");
        }
    }

    /** A store whose appends wait for a gate (a database that is slow for a while). */
    private static final class GatedStore implements ArchiveStore {
        private final ArchiveStore delegate;
        private final CountDownLatch gate;
        volatile int waiting;

        GatedStore(ArchiveStore delegate, CountDownLatch gate) {
            this.delegate = delegate;
            this.gate = gate;
        }

        @Override
        public void append(List<ArchivedMessage> messages) {
            waiting++;
            try {
                if (!gate.await(2, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("the test never opened the gate");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            delegate.append(messages);
        }

        @Override
        public List<ArchivedMessage> select(ArchiveFilter filter, boolean fromEnd, int limit) {
            return delegate.select(filter, fromEnd, limit);
        }

        @Override
        public long count(ArchiveFilter filter) {
            return delegate.count(filter);
        }

        @Override
        public Set<String> existing(String owner, Collection<String> idsToFind) {
            return delegate.existing(owner, idsToFind);
        }

        @Override
        public void remove(String owner, Collection<String> idsToRemove) {
            delegate.remove(owner, idsToRemove);
        }

        @Override
        public long removeAll(String owner) {
            return delegate.removeAll(owner);
        }

        @Override
        public long removeOlderThan(Instant cutoff, int batch) {
            return delegate.removeOlderThan(cutoff, batch);
        }

        @Override
        public List<ArchiveSize> largest(int limit) {
            return delegate.largest(limit);
        }
    }
}
