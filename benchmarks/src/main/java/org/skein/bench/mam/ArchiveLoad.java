package org.skein.bench.mam;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import org.skein.cluster.NodeID;
import org.skein.config.ServerConfig;
import org.skein.mam.ArchiveFilter;
import org.skein.mam.ArchivedMessage;
import org.skein.mam.JdbcArchiveStore;
import org.skein.stanzaid.StanzaIdGenerator;
import org.skein.storage.Database;

/**
 * One account's archive of {@code --rows} messages (default 1,000,000) on H2 ({@code --db h2}, a file in
 * a temporary folder) or PostgreSQL ({@code --db postgres}, a schema of its own on
 * {@code --url}, default {@code jdbc:postgresql://127.0.0.1:5432/skein_test}, user/password skein, with the
 * driver parameters {@code --db-params}, default {@code reWriteBatchedInserts=true}, {@code none} for none), filled
 * with 20 contacts and one message a second; then {@code --queries} reads of each kind, timed one at a
 * time (HdrHistogram): the last 50, a page of 50 after an id in the middle, the last 50 with one contact,
 * 50 of a one-hour date range in the middle, and the count of the whole archive (RSM {@code max} 0); then the write on the message path ({@code --writes}
 * single-row inserts after the fill, as a synchronous write does them, then as many rows in transactions of
 * {@code --batch} rows, as the archive writer does them). Prints p50/p99 in milliseconds.
 * The database is removed at the end.
 */
public final class ArchiveLoad {

    private static final int CONTACTS = 20;
    private static final int PAGE = 50;

    private final Map<String, String> options;
    private final PrintStream out;

    private ArchiveLoad(Map<String, String> options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        run(args, System.out);
    }

    /** Runs the tool; returns the measured values by name (for the smoke test). */
    public static Map<String, Double> run(String[] args, PrintStream out) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException(
                        "usage: --db h2|postgres --rows N --queries N --writes N [--batch N] [--url JDBC] [--db-params P|none]");
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        return new ArchiveLoad(options, out).run();
    }

    private Map<String, Double> run() throws Exception {
        String db = options.getOrDefault("db", "h2");
        int rows = Integer.parseInt(options.getOrDefault("rows", "1000000"));
        int queries = Integer.parseInt(options.getOrDefault("queries", "200"));
        int writes = Integer.parseInt(options.getOrDefault("writes", "2000"));
        int batchSize = Integer.parseInt(options.getOrDefault("batch", "500"));
        Path dir = Files.createTempDirectory("skein-archive-bench");
        String url = options.getOrDefault("url", "jdbc:postgresql://127.0.0.1:5432/skein_test");
        String schema = "bench_" + UUID.randomUUID().toString().replace("-", "");
        Map<String, String> config = new HashMap<>();
        if (db.equals("postgres")) {
            try (Connection c = DriverManager.getConnection(url, "skein", "skein"); Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA " + schema);
            }
            String params = options.getOrDefault("db-params", "reWriteBatchedInserts=true");
            config.put("db.url", url + "?currentSchema=" + schema + (params.equals("none") ? "" : "&" + params));
            config.put("db.user", "skein");
            config.put("db.password", "skein");
        } else if (!db.equals("h2")) {
            throw new IllegalArgumentException("--db is h2 or postgres, not " + db);
        }
        Database database = new Database(ServerConfig.inMemory(config), dir, "bench");
        Map<String, Double> results = new HashMap<>();
        try {
            database.start();
            try (Connection c = database.connection(); PreparedStatement s = c.prepareStatement(
                    "INSERT INTO skein_user (username, name, email, created_at) VALUES ('bob', '', '', 0)")) {
                s.executeUpdate();
            }
            JdbcArchiveStore store = JdbcArchiveStore.accounts(database);
            Instant start = Instant.parse("2026-01-01T00:00:00Z");
            SteppingClock clock = new SteppingClock(start, Duration.ofSeconds(1));
            StanzaIdGenerator ids = new StanzaIdGenerator(NodeID.of("bench"), clock);
            List<String> written = new ArrayList<>(rows);
            long fillStart = System.nanoTime();
            List<ArchivedMessage> batch = new ArrayList<>(1000);
            for (int i = 0; i < rows; i++) {
                batch.add(row(ids, i));
                written.add(batch.get(batch.size() - 1).id());
                if (batch.size() == 1000 || i == rows - 1) {
                    store.append(batch);
                    batch.clear();
                }
                if ((i + 1) % 100_000 == 0) {
                    out.printf("filled %,d rows (%.0f s)%n", i + 1, (System.nanoTime() - fillStart) / 1e9);
                }
            }
            if (db.equals("postgres")) {
                try (Connection c = database.connection(); Statement s = c.createStatement()) {
                    s.execute("ANALYZE skein_archive");
                }
            }
            out.printf("%s: %,d rows for one account filled in %.0f s%n", db, rows, (System.nanoTime() - fillStart) / 1e9);
            Random random = new Random(42);
            // every query of the server reads below the bound its settle gave (MessageArchive.query): a new id each
            // time, so the SQL is the server's and no query repeats the one before (H2 answers a repeated query on an
            // unchanged table from its result cache)
            Instant end = start.plusSeconds(rows + 3600);
            java.util.concurrent.atomic.AtomicLong settles = new java.util.concurrent.atomic.AtomicLong();
            Supplier<ArchiveFilter> settled = () -> ArchiveFilter.all("bob")
                    .withBounds(null, StanzaIdGenerator.lowestIdAt(end.plusMillis(settles.incrementAndGet())));
            measure(results, "last50", queries, () -> store.select(settled.get(), true, PAGE + 1).size());
            measure(results, "middlePageAfterId", queries, () -> {
                String after = written.get(rows / 4 + random.nextInt(Math.max(1, rows / 2)));
                return store.select(settled.get().withBounds(after, null), false, PAGE + 1).size();
            });
            measure(results, "last50WithContact", queries, () -> {
                ArchiveFilter bound = settled.get();
                return store.select(new ArchiveFilter("bob", "contact" + random.nextInt(CONTACTS) + "@localhost", null, null,
                        bound.before(), List.of()), true, PAGE + 1).size();
            });
            measure(results, "dateRangeHour", queries, () -> {
                Instant from = start.plusSeconds(rows / 4 + random.nextInt(Math.max(1, rows / 2)));
                return store.select(settled.get().withBounds(StanzaIdGenerator.lowestIdAt(from),
                        StanzaIdGenerator.lowestIdAt(from.plusSeconds(3600))), false, PAGE + 1).size();
            });
            // what RSM max 0 asks for: a scan of the whole range (a page gives its count only when it is the whole result)
            measure(results, "countAll", Math.max(1, queries / 10),
                    () -> (int) Math.min(Integer.MAX_VALUE, store.count(settled.get())));
            Histogram write = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
            long writeStart = System.nanoTime();
            for (int i = 0; i < writes; i++) {
                ArchivedMessage m = row(ids, rows + i);
                long t = System.nanoTime();
                store.append(List.of(m));
                write.recordValue(System.nanoTime() - t);
            }
            double perSecond = writes / ((System.nanoTime() - writeStart) / 1e9);
            report(results, "singleRowWrite", write);
            results.put("singleRowWritesPerSecond", perSecond);
            out.printf("%-20s %,.0f rows/s on one thread%n", "singleRowWrite", perSecond);
            // what the archive writer does on the message path: a transaction of up to mam.writer.batch rows
            Histogram batched = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
            long batchStart = System.nanoTime();
            for (int i = 0; i < writes; i += batchSize) {
                List<ArchivedMessage> rowsOfBatch = new ArrayList<>(batchSize);
                for (int j = i; j < Math.min(writes, i + batchSize); j++) {
                    rowsOfBatch.add(row(ids, rows + writes + j));
                }
                long t = System.nanoTime();
                store.append(rowsOfBatch);
                batched.recordValue(System.nanoTime() - t);
            }
            double batchedPerSecond = writes / ((System.nanoTime() - batchStart) / 1e9);
            report(results, "batchWrite", batched);
            results.put("batchedRowWritesPerSecond", batchedPerSecond);
            out.printf("%-20s %,.0f rows/s on one thread (transactions of %d rows, as the archive writer)%n", "batchWrite",
                    batchedPerSecond, batchSize);
            return results;
        } finally {
            database.close();
            if (db.equals("postgres")) {
                try (Connection c = DriverManager.getConnection(url, "skein", "skein"); Statement s = c.createStatement()) {
                    s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
                }
            }
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static ArchivedMessage row(StanzaIdGenerator ids, int i) {
        String id = ids.next();
        String with = "contact" + (i % CONTACTS) + "@localhost";
        return new ArchivedMessage("bob", id, StanzaIdGenerator.instantOf(id), with, "phone", i % 2 == 0,
                "<message from=\"" + with + "/phone\" to=\"bob@localhost\" type=\"chat\" id=\"m" + i
                        + "\"><body>message number " + i + " of the archive benchmark, about as long as a chat line</body></message>");
    }

    private void measure(Map<String, Double> results, String name, int queries, Supplier<Integer> query) {
        for (int i = 0; i < Math.min(50, queries); i++) {
            query.get(); // warm-up
        }
        Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        for (int i = 0; i < queries; i++) {
            long t = System.nanoTime();
            int got = query.get();
            histogram.recordValue(System.nanoTime() - t);
            if (got == 0) {
                throw new IllegalStateException(name + " found nothing: the benchmark is wrong");
            }
        }
        report(results, name, histogram);
    }

    private void report(Map<String, Double> results, String name, Histogram h) {
        double p50 = h.getValueAtPercentile(50) / 1e6;
        double p99 = h.getValueAtPercentile(99) / 1e6;
        results.put(name + ".p50", p50);
        results.put(name + ".p99", p99);
        out.printf("%-20s p50 %.2f ms, p99 %.2f ms (%d samples)%n", name, p50, p99, h.getTotalCount());
    }

    /** A clock that moves on by a step each time it is read: one message a second in the archive. */
    private static final class SteppingClock extends Clock {
        private Instant now;
        private final Duration step;

        SteppingClock(Instant start, Duration step) {
            this.now = start;
            this.step = step;
        }

        @Override
        public synchronized Instant instant() {
            Instant current = now;
            now = now.plus(step);
            return current;
        }

        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
