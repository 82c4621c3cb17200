package org.skein.bench.c2s;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.skein.XmppServer;
import org.skein.routing.ClientRoute;
import org.xmpp.packet.JID;

/**
 * Message carbons across two nodes (issue 19, one-to-many entries): {@code --users} users (default
 * 50) each write from a resource on node 1 to a partner on node 1, while {@code --resources} more
 * resources of theirs (default 2) sit on node 2 with carbons enabled (XEP-0280), so every message sends
 * a {@code <sent/>} copy to each of them. Each writer keeps {@code --window} (default 10) messages whose
 * copies have not all arrived. Light raw clients ({@link LoadClient}), two Hazelcast members in this JVM
 * ({@link ClusterNodes}).
 * <p>
 * Reports: messages per second, copies per second, the copies' latency p50/p99 (from the writer's
 * write to the copy's arrival on node 2, one clock), copies missing after the run, and node 1's packet
 * router entries per message (one per message when the copies for one node cross as one entry; as
 * many as the resources there when each copy crosses on its own). {@code --mode smoke}: a few seconds,
 * a few users.
 */
public final class CarbonsLoad {

    private static final String DOMAIN = "localhost";

    private final Map<String, String> options;
    private final PrintStream out;
    private final EventLoopGroup group;

    private CarbonsLoad(Map<String, String> options, PrintStream out) {
        this.options = options;
        this.out = out;
        this.group = new MultiThreadIoEventLoopGroup(intOption("client-threads", 1), new DefaultThreadFactory("bench-client", true),
                NioIoHandler.newFactory());
    }

    public static void main(String[] args) throws Exception {
        run(args, System.out);
        System.exit(0);
    }

    /** Runs the tool; returns the measured values by name. */
    public static Map<String, Double> run(String[] args, PrintStream out) throws Exception {
        Map<String, String> options = LoadOptions.parse(args);
        CarbonsLoad load = new CarbonsLoad(options, out);
        try {
            return load.run();
        } finally {
            load.group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private int intOption(String key, int defaultValue) {
        return Integer.parseInt(options.getOrDefault(key, String.valueOf(defaultValue)));
    }

    /** One writer: its messages in flight are those whose copies have not all arrived. */
    private static final class Writer {
        final int index;
        final LoadClient client;
        final String partner;
        final int window;
        final int resources;
        final AtomicLong sent = new AtomicLong();
        final AtomicLong copies = new AtomicLong();
        final AtomicBoolean scheduled = new AtomicBoolean();
        volatile boolean running = true;

        Writer(int index, LoadClient client, String partner, int window, int resources) {
            this.index = index;
            this.client = client;
            this.partner = partner;
            this.window = window;
            this.resources = resources;
        }

        long done() {
            return copies.get() / resources;
        }

        void copied() {
            copies.incrementAndGet();
            if (running && sent.get() - done() <= window / 2 && scheduled.compareAndSet(false, true)) {
                client.channel().eventLoop().execute(this::topUp);
            }
        }

        void topUp() {
            scheduled.set(false);
            int written = 0;
            while (running && sent.get() - done() < window) {
                client.channel().write(Unpooled.copiedBuffer("<message to='" + partner + "' type='chat'><body>" + index + ":"
                        + System.nanoTime() + "</body></message>", StandardCharsets.UTF_8), client.channel().voidPromise());
                sent.incrementAndGet();
                written++;
            }
            if (written > 0) {
                client.channel().flush();
            }
        }
    }

    private Map<String, Double> run() throws Exception {
        if ("smoke".equals(options.get("mode"))) {
            options.putIfAbsent("users", "4");
            options.putIfAbsent("warmup", "1");
            options.putIfAbsent("seconds", "2");
            options.putIfAbsent("window", "2");
        } else if (options.containsKey("mode")) {
            throw new IllegalArgumentException("unknown mode " + options.get("mode") + "; leave it out, or smoke");
        }
        int users = intOption("users", 50);
        int resources = intOption("resources", 2);
        int window = intOption("window", 10);
        int warmup = intOption("warmup", 5);
        int seconds = intOption("seconds", 15);
        if (users < 1 || resources < 1 || window < 1) {
            throw new IllegalArgumentException("--users, --resources and --window must be at least 1");
        }
        Map<String, Double> results = new LinkedHashMap<>();
        try (ClusterNodes nodes = new ClusterNodes(2, Map.of())) {
            // users 0..n-1 write (desk on node 1, r0.. on node 2); users n..2n-1 are their partners on node 1
            nodes.createUsers(2 * users);
            List<LoadClient> desks = connect(nodes, 0, users, 0, "desk");
            List<LoadClient> partners = connect(nodes, 0, users, users, "in");
            List<LoadClient> copiesTo = new ArrayList<>();
            for (int r = 0; r < resources; r++) {
                copiesTo.addAll(connect(nodes, 1, users, 0, "r" + r));
            }
            List<LoadClient> carbonsOn = new ArrayList<>(desks);
            carbonsOn.addAll(copiesTo);
            for (LoadClient client : carbonsOn) {
                client.channel().writeAndFlush(Unpooled.copiedBuffer("<iq type='set' id='carbons'><enable xmlns='urn:xmpp:carbons:2'/></iq>",
                        StandardCharsets.UTF_8));
            }
            awaitCarbons(nodes.node(0), carbonsOn);

            Recorder latency = new Recorder(3);
            LongAdder copied = new LongAdder();
            List<Writer> writers = new ArrayList<>();
            for (int u = 0; u < users; u++) {
                writers.add(new Writer(u, desks.get(u), "bench" + (users + u) + "@" + DOMAIN + "/in", window, resources));
            }
            for (LoadClient client : copiesTo) {
                client.readBodies(body -> {
                    int colon = body.indexOf(':');
                    if (colon < 0) {
                        return;
                    }
                    latency.recordValue(Math.max(0, System.nanoTime() - Long.parseLong(body.substring(colon + 1))));
                    copied.increment();
                    writers.get(Integer.parseInt(body.substring(0, colon))).copied();
                });
            }
            quiesce(nodes);
            long routerAtStart = nodes.routerFigures(0).sentTotal().sent();
            for (Writer writer : writers) {
                writer.client.channel().eventLoop().execute(writer::topUp);
            }
            Thread.sleep(warmup * 1000L);

            latency.getIntervalHistogram();
            long copiedBefore = copied.sum();
            long doneBefore = done(writers);
            long start = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            Histogram histogram = latency.getIntervalHistogram();
            long copiedAfter = copied.sum();
            long doneAfter = done(writers);
            double elapsed = (System.nanoTime() - start) / 1e9;
            writers.forEach(w -> w.running = false);
            long missing = drain(writers, copied, resources);
            quiesce(nodes);
            long routerEntries = nodes.routerFigures(0).sentTotal().sent() - routerAtStart;
            long sentInAll = writers.stream().mapToLong(w -> w.sent.get()).sum();

            long messages = doneAfter - doneBefore;
            out.printf("carbons: 2 nodes, %d users, each writing on node 1 with %d resources on node 2, %d in flight each, %.1f s: "
                            + "%d messages (%.0f/s), %d copies (%.0f/s); copy p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                    users, resources, window, elapsed, messages, messages / elapsed, copiedAfter - copiedBefore,
                    (copiedAfter - copiedBefore) / elapsed, histogram.getValueAtPercentile(50) / 1e6,
                    histogram.getValueAtPercentile(99) / 1e6, histogram.getMaxValue() / 1e6);
            out.printf("carbons: %d messages sent in all, %d copies missing after the writers stopped; node 1's router entries: %d, "
                    + "%.3f per message%n", sentInAll, missing, routerEntries, (double) routerEntries / sentInAll);
            results.put("messagesPerSecond", messages / elapsed);
            results.put("copiesPerSecond", (copiedAfter - copiedBefore) / elapsed);
            results.put("copyP50Millis", histogram.getValueAtPercentile(50) / 1e6);
            results.put("copyP99Millis", histogram.getValueAtPercentile(99) / 1e6);
            results.put("missingCopies", (double) missing);
            results.put("routerEntriesPerMessage", (double) routerEntries / sentInAll);
            out.println("results: " + results);
            List<LoadClient> all = new ArrayList<>(carbonsOn);
            all.addAll(partners);
            C2sLoad.closeAll(all);
        }
        return results;
    }

    private static long done(List<Writer> writers) {
        return writers.stream().mapToLong(Writer::done).sum();
    }

    /** Waits (at most 60 s) until node 1 knows every client's carbons flag. */
    private static void awaitCarbons(XmppServer node, List<LoadClient> clients) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (LoadClient client : clients) {
            JID jid = new JID(client.jid());
            while (true) {
                ClientRoute route = node.routingTable().clientRoute(jid);
                if (route != null && route.carbons() && route.available()) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("carbons were not enabled for " + jid + " in 60 s");
                }
                Thread.sleep(20);
            }
        }
    }

    /** Waits until every copy arrived and copies stop (at most 60 s); returns how many copies are missing. */
    private static long drain(List<Writer> writers, LongAdder copied, int resources) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long last = -1;
        long expected = writers.stream().mapToLong(w -> w.sent.get()).sum() * resources;
        while (System.nanoTime() < deadline) {
            long now = copied.sum();
            if (now >= expected && now == last) {
                break;
            }
            last = now;
            Thread.sleep(500);
        }
        return expected - copied.sum();
    }

    /** Waits (at most 60 s) until node 1's router has nothing queued and its count stays put for half a second. */
    private static void quiesce(ClusterNodes nodes) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long last = -1;
        while (System.nanoTime() < deadline) {
            var total = nodes.routerFigures(0).sentTotal();
            if (total.queued() == 0 && total.sent() == last) {
                return;
            }
            last = total.sent();
            Thread.sleep(500);
        }
    }

    /** Users {@code first}..{@code first+count-1} with this resource on one node, 32 logins at a time. */
    private List<LoadClient> connect(ClusterNodes nodes, int node, int count, int first, String resource) throws Exception {
        Semaphore inFlight = new Semaphore(32);
        List<CompletableFuture<LoadClient>> futures = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            inFlight.acquire();
            LoadClient client = new LoadClient("bench" + (first + i), "bench", resource, DOMAIN, null);
            new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(client)
                    .connect("127.0.0.1", nodes.node(node).c2sPort())
                    .addListener(f -> {
                        if (!f.isSuccess()) {
                            client.ready().completeExceptionally(f.cause());
                        }
                    });
            client.ready().whenComplete((c, e) -> inFlight.release());
            futures.add(client.ready());
        }
        List<LoadClient> clients = new ArrayList<>(count);
        for (CompletableFuture<LoadClient> future : futures) {
            clients.add(future.get(60, TimeUnit.SECONDS));
        }
        return clients;
    }
}
