package org.skein.bench.c2s;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Load on one node's client port. Modes ({@code --mode}):
 * <ul>
 *   <li>{@code throughput}: {@code --pairs} sender/receiver pairs; each sender keeps {@code --window}
 *       messages in flight to its receiver's full JID; reports messages delivered per second over
 *       {@code --seconds} after {@code --warmup} seconds.</li>
 *   <li>{@code latency}: one client pings the server ({@code urn:xmpp:ping}) and one pair plays message
 *       ping-pong (A to B, B answers A), one stanza in flight; reports round-trip p50/p90/p99/max.</li>
 *   <li>{@code idle}: logs in {@code --sessions} clients ({@code --tls} for STARTTLS) and reports the
 *       node's retained heap per session: used heap after full GCs with the sessions bound, minus the
 *       same before they connected, divided by their number.</li>
 *   <li>{@code all}: throughput, latency, idle without and with TLS.</li>
 *   <li>{@code smoke}: a few seconds of each, small numbers, node in this JVM (used by a test).</li>
 * </ul>
 * The node runs in a child JVM ({@code --node-heap}, default 2g) unless {@code --in-process}, on its embedded H2
 * or, with {@code --db postgres}, on a schema of its own on PostgreSQL ({@code --db-url}, default
 * {@code jdbc:postgresql://127.0.0.1:5432/skein_test}, user and password {@code skein}; dropped at the end;
 * {@code --db-params} adds parameters to the node's {@code db.url}, e.g. {@code reWriteBatchedInserts=true}).
 * Sessions log in with SASL PLAIN without TLS (the node allows it: a localhost-only benchmark setting).
 */
public final class C2sLoad {

    private final Map<String, String> options;
    private final PrintStream out;
    private final EventLoopGroup group;

    private C2sLoad(Map<String, String> options, PrintStream out) {
        this.options = options;
        this.out = out;
        this.group = new MultiThreadIoEventLoopGroup(intOption("client-threads", 1), new DefaultThreadFactory("bench-client", true),
                NioIoHandler.newFactory());
    }

    public static void main(String[] args) throws Exception {
        run(args, System.out);
    }

    /** Runs the tool; returns the measured values by name (for the smoke test). */
    public static Map<String, Double> run(String[] args, PrintStream out) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
            String key = args[i].substring(2);
            if (key.equals("tls") || key.equals("in-process")) {
                options.put(key, "true");
            } else {
                options.put(key, args[++i]);
            }
        }
        C2sLoad load = new C2sLoad(options, out);
        try {
            return load.run();
        } finally {
            load.group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private Map<String, Double> run() throws Exception {
        Map<String, Double> results = new HashMap<>();
        String mode = options.getOrDefault("mode", "all");
        switch (mode) {
            case "throughput":
                results.put("messagesPerSecond", throughput(intOption("pairs", 50), intOption("warmup", 5), intOption("seconds", 15)));
                break;
            case "latency":
                results.putAll(latency(intOption("warmup", 5), intOption("seconds", 15)));
                break;
            case "idle":
                results.put("bytesPerIdleSession", idle(intOption("sessions", 10_000), options.containsKey("tls")));
                break;
            case "all":
                results.put("messagesPerSecond", throughput(intOption("pairs", 50), intOption("warmup", 5), intOption("seconds", 15)));
                results.putAll(latency(intOption("warmup", 5), intOption("seconds", 15)));
                results.put("bytesPerIdleSession", idle(intOption("sessions", 10_000), false));
                results.put("bytesPerIdleTlsSession", idle(intOption("sessions", 10_000), true));
                break;
            case "smoke":
                options.put("in-process", "true");
                results.put("messagesPerSecond", throughput(4, 1, 1));
                results.putAll(latency(1, 1));
                results.put("bytesPerIdleSession", idle(50, false));
                results.put("bytesPerIdleTlsSession", idle(20, true));
                break;
            default:
                throw new IllegalArgumentException("unknown mode " + mode + "; use throughput, latency, idle, all or smoke");
        }
        return results;
    }

    private int intOption(String key, int defaultValue) {
        return Integer.parseInt(options.getOrDefault(key, String.valueOf(defaultValue)));
    }

    private NodeHandle startNode() throws Exception {
        List<String> config = new ArrayList<>();
        // every load client comes from 127.0.0.1: the per-address connection and login limits are not what is measured
        config.add("xmpp.c2s.limitsExempt=127.0.0.0/8");
        config.add("xmpp.c2s.inbound.rate=-1"); // load clients send as fast as the node reads
        String threads = options.get("processing-threads");
        if (threads != null) {
            config.add("xmpp.processing.threads=" + threads);
        }
        // any --key value whose key has a dot is a node setting (e.g. --mam.writer.linger 0)
        options.entrySet().stream().filter(e -> e.getKey().contains(".")).forEach(e -> config.add(e.getKey() + "=" + e.getValue()));
        String archive = options.get("archive");
        if (archive != null) {
            if (!archive.equals("on") && !archive.equals("off")) {
                throw new IllegalArgumentException("--archive is on or off, not " + archive);
            }
            config.add("mam.enabled=" + archive.equals("on")); // the message archive (XEP-0313), on by default
        }
        String db = options.getOrDefault("db", "h2");
        String schema = null;
        String url = options.getOrDefault("db-url", "jdbc:postgresql://127.0.0.1:5432/skein_test");
        if (db.equals("postgres")) {
            // a schema of its own on the PostgreSQL server (user and password skein), dropped when the node closes
            schema = "bench_" + java.util.UUID.randomUUID().toString().replace("-", "");
            try (java.sql.Connection c = java.sql.DriverManager.getConnection(url, "skein", "skein");
                 java.sql.Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA " + schema);
            }
            String params = options.get("db-params"); // e.g. reWriteBatchedInserts=true: the driver's options on the node's db.url
            config.add("db.url=" + url + "?currentSchema=" + schema + (params == null || params.isEmpty() ? "" : "&" + params));
            config.add("db.user=skein");
            config.add("db.password=skein");
        } else if (!db.equals("h2")) {
            throw new IllegalArgumentException("--db is h2 or postgres, not " + db);
        }
        NodeHandle node = startNode(config);
        if (schema == null) {
            return node;
        }
        String dropped = schema;
        return new NodeHandle() {
            @Override
            public int port() {
                return node.port();
            }

            @Override
            public void createUsers(int n) throws Exception {
                node.createUsers(n);
            }

            @Override
            public long heapAfterGc() throws Exception {
                return node.heapAfterGc();
            }

            @Override
            public int sessions() throws Exception {
                return node.sessions();
            }

            @Override
            public void close() throws Exception {
                try {
                    node.close();
                } finally {
                    try (java.sql.Connection c = java.sql.DriverManager.getConnection(url, "skein", "skein");
                         java.sql.Statement s = c.createStatement()) {
                        s.execute("DROP SCHEMA IF EXISTS " + dropped + " CASCADE");
                    }
                }
            }
        };
    }

    private NodeHandle startNode(List<String> config) throws Exception {
        String io = options.get("io-threads");
        if (io != null) {
            config.add("xmpp.c2s.ioThreads=" + io);
        }
        if (options.containsKey("in-process")) {
            Map<String, String> map = new HashMap<>();
            for (String entry : config) {
                map.put(entry.substring(0, entry.indexOf('=')), entry.substring(entry.indexOf('=') + 1));
            }
            return new InProcessNode(map);
        }
        return new NodeProcess(options.getOrDefault("node-heap", "2g"), config);
    }

    private CompletableFuture<LoadClient> connect(int port, String user, String resource, SslContext tls) {
        LoadClient client = new LoadClient(user, "bench", resource, "localhost", tls);
        new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(client)
                .connect("127.0.0.1", port)
                .addListener(f -> {
                    if (!f.isSuccess()) {
                        client.ready().completeExceptionally(f.cause());
                    }
                });
        return client.ready();
    }

    private List<LoadClient> connectAll(int port, int first, int count, SslContext tls) throws Exception {
        Semaphore inFlight = new Semaphore(64);
        List<CompletableFuture<LoadClient>> futures = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            inFlight.acquire();
            CompletableFuture<LoadClient> future = connect(port, "bench" + (first + i), "r", tls);
            future.whenComplete((c, e) -> inFlight.release());
            futures.add(future);
        }
        List<LoadClient> clients = new ArrayList<>(count);
        for (CompletableFuture<LoadClient> future : futures) {
            clients.add(future.get(60, TimeUnit.SECONDS));
        }
        return clients;
    }

    static void closeAll(List<LoadClient> clients) {
        for (LoadClient client : clients) {
            client.channel().close();
        }
        for (LoadClient client : clients) {
            client.channel().closeFuture().awaitUninterruptibly(5000);
        }
    }

    static ByteBuf messageTo(String jid, String body) {
        ByteBuf bytes = Unpooled.directBuffer();
        bytes.writeCharSequence("<message to='" + jid + "' type='chat'><body>" + body + "</body></message>", StandardCharsets.UTF_8);
        return Unpooled.unreleasableBuffer(bytes);
    }

    // --- throughput ---

    /** One sender keeping a window of messages in flight to one receiver. */
    static final class Pair {
        final LoadClient sender;
        final ByteBuf message;
        final int window;
        final AtomicLong sent = new AtomicLong();
        final AtomicLong received = new AtomicLong();
        final AtomicBoolean scheduled = new AtomicBoolean();
        volatile boolean running = true;

        Pair(LoadClient sender, LoadClient receiver, int window) {
            this.sender = sender;
            this.message = messageTo(receiver.jid(), "hello from the load tool");
            this.window = window;
            receiver.setListener((client, messages, results) -> {
                long got = received.addAndGet(messages);
                if (running && sent.get() - got <= window / 2 && scheduled.compareAndSet(false, true)) {
                    sender.channel().eventLoop().execute(this::topUp);
                }
            });
        }

        void topUp() {
            scheduled.set(false);
            if (!running) {
                return;
            }
            int written = 0;
            while (sent.get() - received.get() < window) {
                sender.channel().write(message.duplicate(), sender.channel().voidPromise());
                sent.incrementAndGet();
                written++;
            }
            if (written > 0) {
                sender.channel().flush();
            }
        }
    }

    private double throughput(int pairs, int warmupSeconds, int seconds) throws Exception {
        int window = intOption("window", 100);
        try (NodeHandle node = startNode()) {
            node.createUsers(2 * pairs);
            List<LoadClient> clients = connectAll(node.port(), 0, 2 * pairs, null);
            List<Pair> running = new ArrayList<>();
            for (int i = 0; i < pairs; i++) {
                running.add(new Pair(clients.get(2 * i), clients.get(2 * i + 1), window));
            }
            for (Pair pair : running) {
                pair.sender.channel().eventLoop().execute(pair::topUp);
            }
            Thread.sleep(warmupSeconds * 1000L);
            long before = total(running);
            long start = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            long after = total(running);
            double elapsed = (System.nanoTime() - start) / 1e9;
            for (Pair pair : running) {
                pair.running = false;
            }
            double rate = (after - before) / elapsed;
            out.printf("throughput: %d pairs, window %d, %.1f s: %d messages delivered, %.0f messages/s%n",
                    pairs, window, elapsed, after - before, rate);
            closeAll(clients);
            return rate;
        }
    }

    static long total(List<Pair> pairs) {
        long sum = 0;
        for (Pair pair : pairs) {
            sum += pair.received.get();
        }
        return sum;
    }

    // --- latency ---

    private Map<String, Double> latency(int warmupSeconds, int seconds) throws Exception {
        Map<String, Double> results = new HashMap<>();
        try (NodeHandle node = startNode()) {
            node.createUsers(3);
            List<LoadClient> clients = connectAll(node.port(), 0, 3, null);
            Histogram ping = serverPing(clients.get(2), warmupSeconds, seconds);
            report("server ping round trip", ping);
            results.put("pingP50Micros", ping.getValueAtPercentile(50) / 1000.0);
            results.put("pingP99Micros", ping.getValueAtPercentile(99) / 1000.0);
            Histogram pingPong = messagePingPong(clients.get(0), clients.get(1), warmupSeconds, seconds);
            report("message ping-pong round trip (A to B to A)", pingPong);
            results.put("pingPongP50Micros", pingPong.getValueAtPercentile(50) / 1000.0);
            results.put("pingPongP99Micros", pingPong.getValueAtPercentile(99) / 1000.0);
            closeAll(clients);
        }
        return results;
    }

    private void report(String what, Histogram histogram) {
        out.printf("%s: %d samples, p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, max %.3f ms%n", what, histogram.getTotalCount(),
                histogram.getValueAtPercentile(50) / 1e6, histogram.getValueAtPercentile(90) / 1e6,
                histogram.getValueAtPercentile(99) / 1e6, histogram.getMaxValue() / 1e6);
    }

    /** Sequential round trips: the next request leaves when the answer arrived. */
    static final class RoundTrips {
        final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        volatile boolean recording;
        volatile boolean running = true;
        long sentAt;
    }

    private Histogram serverPing(LoadClient client, int warmupSeconds, int seconds) throws Exception {
        ByteBuf ping = Unpooled.unreleasableBuffer(Unpooled.directBuffer().writeBytes(
                "<iq type='get' id='p'><ping xmlns='urn:xmpp:ping'/></iq>".getBytes(StandardCharsets.UTF_8)));
        RoundTrips trips = new RoundTrips();
        client.setListener((c, messages, results) -> {
            if (results == 0) {
                return;
            }
            long now = System.nanoTime();
            if (trips.recording) {
                trips.histogram.recordValue(Math.min(now - trips.sentAt, TimeUnit.SECONDS.toNanos(10)));
            }
            if (trips.running) {
                trips.sentAt = System.nanoTime();
                c.channel().writeAndFlush(ping.duplicate(), c.channel().voidPromise());
            }
        });
        return play(client, ping, trips, warmupSeconds, seconds);
    }

    static Histogram messagePingPong(LoadClient a, LoadClient b, int warmupSeconds, int seconds) throws Exception {
        ByteBuf toB = messageTo(b.jid(), "ping");
        ByteBuf toA = messageTo(a.jid(), "pong");
        RoundTrips trips = new RoundTrips();
        b.setListener((c, messages, results) -> {
            for (int i = 0; i < messages; i++) {
                c.channel().write(toA.duplicate(), c.channel().voidPromise());
            }
            c.channel().flush();
        });
        a.setListener((c, messages, results) -> {
            if (messages == 0) {
                return;
            }
            long now = System.nanoTime();
            if (trips.recording) {
                trips.histogram.recordValue(Math.min(now - trips.sentAt, TimeUnit.SECONDS.toNanos(10)));
            }
            if (trips.running) {
                trips.sentAt = System.nanoTime();
                c.channel().writeAndFlush(toB.duplicate(), c.channel().voidPromise());
            }
        });
        return play(a, toB, trips, warmupSeconds, seconds);
    }

    private static Histogram play(LoadClient starter, ByteBuf first, RoundTrips trips, int warmupSeconds, int seconds)
            throws InterruptedException {
        starter.channel().eventLoop().execute(() -> {
            trips.sentAt = System.nanoTime();
            starter.channel().writeAndFlush(first.duplicate(), starter.channel().voidPromise());
        });
        Thread.sleep(warmupSeconds * 1000L);
        trips.recording = true;
        Thread.sleep(seconds * 1000L);
        trips.recording = false;
        trips.running = false;
        Thread.sleep(200);
        return trips.histogram;
    }

    // --- heap per idle session ---

    private double idle(int sessions, boolean tls) throws Exception {
        SslContext clientTls = tls ? SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build() : null;
        try (NodeHandle node = startNode()) {
            node.createUsers(sessions);
            // warm the node up with a few sessions that come and go, so lazily created structures exist before the baseline
            closeAll(connectAll(node.port(), 0, Math.min(sessions, 50), clientTls));
            while (node.sessions() > 0) {
                Thread.sleep(50);
            }
            long before = node.heapAfterGc();
            long started = System.nanoTime();
            List<LoadClient> clients = connectAll(node.port(), 0, sessions, clientTls);
            double loginSeconds = (System.nanoTime() - started) / 1e9;
            while (node.sessions() < sessions) {
                Thread.sleep(50);
            }
            long after = node.heapAfterGc();
            double perSession = (after - before) / (double) sessions;
            out.printf("idle sessions%s: %d logged in in %.1f s; heap after GC %d -> %d bytes: %.0f bytes (%.2f KiB) per session%n",
                    tls ? " with TLS" : "", sessions, loginSeconds, before, after, perSession, perSession / 1024);
            closeAll(clients);
            return perSession;
        }
    }
}
