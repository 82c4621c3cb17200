package org.skein.bench.c2s;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Issue 19's slow-consumer target, measured from outside: a client stops reading for {@code --stall} seconds
 * (60) while another client sends it {@code --messages} (200,000) chat messages with {@code --size}-byte bodies
 * (1024). Meanwhile {@code --pairs} (4) other pairs play paced message ping-pong (one round in flight per pair,
 * the next at most every {@code --interval-ms}, 10). Reports:
 * <ul>
 *   <li>the node's resident size (VmRSS of its process, from {@code /proc/PID/status}, sampled every 100 ms):
 *       before the test (after a warm-up), the peak during the stall, the peak until every message was settled,
 *       and after the stalled user fetched what was kept for it; with the node's heap and direct memory
 *       (Netty's count) at the same moments;</li>
 *   <li>the others' ping-pong round trip p50/p99/max before the test and during the stall;</li>
 *   <li>every message accounted for: read by the stalled client once it reads again (until the node ended its
 *       stream or nothing more came), fetched from offline storage by a new login of the same user, or bounced to
 *       the sender with an error; missing = sent minus all three.</li>
 * </ul>
 * The node is a separate process ({@link NodeProcess}: {@link BenchNode} with the benchmark settings of
 * {@code C2sLoad}) started with the JVM options of the distribution's {@code conf/jvm.options}
 * ({@code --jvm "-Xms512m -Xmx1g -XX:+UseG1GC -XX:MaxGCPauseMillis=200"}); the slow-consumer policy is the node's
 * default ({@code xmpp.c2s.outbound.*}, docs/operations.md) unless given as {@code --key value} options whose key
 * has a dot (passed to the node). The offline quota is set to hold every message ({@code --offline-room false}
 * keeps the node's default quota, so that most messages bounce). The clients are {@link LoadClient}s (two event
 * loops: one for the sender and the readers, one for the ping-pong pairs) and a {@link StalledClient} with a 4 KiB
 * receive buffer. {@code --smoke true}: a few seconds, small numbers (a test runs it).
 */
public final class SlowConsumerLoad {

    private static final String DOMAIN = "localhost";
    private static final String DISTRIBUTION_JVM = "-Xms512m -Xmx1g -XX:+UseG1GC -XX:MaxGCPauseMillis=200";
    private static final double MIB = 1024.0 * 1024.0;

    private final Map<String, String> options;
    private final PrintStream out;
    private final Map<String, Double> results = new LinkedHashMap<>();
    private final EventLoopGroup clientLoop = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("bench-client", true),
            NioIoHandler.newFactory());
    private final EventLoopGroup pairLoop = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("bench-pairs", true),
            NioIoHandler.newFactory());

    private SlowConsumerLoad(Map<String, String> options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        run(args, System.out);
        System.exit(0);
    }

    /** Runs the tool; returns the measured values by name. */
    public static Map<String, Double> run(String[] args, PrintStream out) throws Exception {
        Map<String, String> options = LoadOptions.parse(args);
        SlowConsumerLoad load = new SlowConsumerLoad(options, out);
        try {
            return load.run();
        } finally {
            load.clientLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            load.pairLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private boolean smoke() {
        return Boolean.parseBoolean(options.getOrDefault("smoke", "false"));
    }

    private int option(String key, int normal, int smoke) {
        return Integer.parseInt(options.getOrDefault(key, String.valueOf(smoke() ? smoke : normal)));
    }

    private Map<String, Double> run() throws Exception {
        int messages = option("messages", 200_000, 12_000);
        int size = option("size", 1024, 1024);
        int stallSeconds = option("stall", 60, 4);
        int pairs = option("pairs", 4, 1);
        int intervalMs = option("interval-ms", 10, 10);
        int warmupMessages = option("warmup-messages", messages, 500);
        int baselineSeconds = option("baseline", 10, 1);
        boolean offlineRoom = Boolean.parseBoolean(options.getOrDefault("offline-room", "true"));
        List<String> jvm = Arrays.asList(options.getOrDefault("jvm", smoke() ? "-Xms128m -Xmx256m" : DISTRIBUTION_JVM).trim().split("\\s+"));
        List<String> config = new ArrayList<>();
        config.add("xmpp.c2s.limitsExempt=127.0.0.0/8"); // every client comes from the loopback
        if (offlineRoom) {
            config.add("offline.maxPerUser=" + (messages + 1000));
            config.add("offline.maxBytesPerUser=-1");
        }
        if (smoke()) {
            // small bounds, so that a few thousand messages go past the kernel's socket buffers and over the bound
            config.add("xmpp.c2s.writeBuffer.lowWaterMark=8KiB");
            config.add("xmpp.c2s.writeBuffer.highWaterMark=16KiB");
            config.add("xmpp.c2s.outbound.maxBytes=128KiB");
            config.add("xmpp.c2s.outbound.grace=2s");
            config.add("xmpp.c2s.closeGrace=1s");
        }
        options.entrySet().stream().filter(e -> e.getKey().contains(".")).forEach(e -> config.add(e.getKey() + "=" + e.getValue()));
        out.printf("load average at start: %s%n", loadAverage());
        out.printf("node: JVM %s, settings %s%n", String.join(" ", jvm), config);
        try (NodeProcess node = new NodeProcess(jvm, config)) {
            RssSampler rss = new RssSampler(node.pid());
            rss.start();
            try {
                measure(node, rss, messages, size, stallSeconds, pairs, intervalMs, warmupMessages, baselineSeconds);
            } finally {
                rss.stop();
            }
        }
        out.printf("load average at end: %s%n", loadAverage());
        return results;
    }

    private void measure(NodeProcess node, RssSampler rss, int messages, int size, int stallSeconds, int pairs, int intervalMs,
                         int warmupMessages, int baselineSeconds) throws Exception {
        // bench0 sends, bench1 stalls, bench2 reads the warm-up, bench3.. play ping-pong
        node.createUsers(3 + 2 * pairs);
        LoadClient sender = connect(clientLoop, node.port(), "bench0", "flood", null);
        BodyNumbers bounced = new BodyNumbers();
        sender.readBodies(bounced::body); // the sender gets nothing but bounces
        AtomicLong warmupRead = new AtomicLong();
        LoadClient reader = connect(clientLoop, node.port(), "bench2", "r", (c, m, r) -> warmupRead.addAndGet(m));
        List<PingPong> players = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            LoadClient a = connect(pairLoop, node.port(), "bench" + (3 + 2 * i), "a", null);
            LoadClient b = connect(pairLoop, node.port(), "bench" + (4 + 2 * i), "b", null);
            players.add(new PingPong(a, b, intervalMs));
        }
        players.forEach(PingPong::start);
        figure("rss of the fresh node, clients logged in", rss.current() / MIB, "MiB", "rssFreshMiB");

        // warm-up and control: the same flood to a client that reads, so that the node's heap (as the JVM sizes it for
        // this traffic), buffers and JIT are warm, and the ping-pong beside it shows what the flood alone costs
        String padding = "x".repeat(Math.max(0, size - 8));
        Flood warmup = new Flood(sender.channel(), reader.jid(), warmupMessages, padding);
        interval(players);
        warmup.run();
        awaitCondition(() -> warmupRead.get() >= warmupMessages, Duration.ofMinutes(10), "the warm-up messages to arrive");
        out.printf("warm-up: %,d messages to a client that reads in %.1f s%n", warmupMessages, warmup.seconds());
        report("ping-pong during the warm-up flood to a client that reads", interval(players), "pingPongWarmup");
        figure("rss peak during the warm-up", rss.peak() / MIB, "MiB", "rssWarmupPeakMiB");
        Thread.sleep(baselineSeconds * 1000L);
        Histogram before = interval(players);
        report("ping-pong before the test (" + pairs + " pairs, paced " + intervalMs + " ms)", before, "pingPongBefore");
        long rssBefore = rss.current();
        Memory memoryBefore = memory(node);
        figure("rss before the test", rssBefore / MIB, "MiB", "rssBeforeMiB");
        figure("node heap used / committed before, direct (Netty)", memoryBefore.describe(), "memoryBefore");

        // the stall
        StalledClient stalled = new StalledClient(node.port(), 4096);
        stalled.login("bench1", "bench", "stalled", DOMAIN);
        String stalledJid = "bench1@" + DOMAIN + "/stalled";
        awaitCondition(() -> node.sessions() >= 3 + 2 * pairs, Duration.ofSeconds(30), "the stalled client's session");
        Flood flood = new Flood(sender.channel(), stalledJid, messages, padding);
        rss.resetPeak();
        interval(players);
        long start = System.nanoTime();
        Thread flooding = new Thread(flood::runQuietly, "flood");
        flooding.start();
        long stallEnd = start + TimeUnit.SECONDS.toNanos(stallSeconds);
        long nextReport = start + TimeUnit.SECONDS.toNanos(5);
        // a smoke run on a loaded machine may not have filled the bound for its grace within the short stall: it stalls
        // on until the node ended the stream (at most a minute more)
        long smokeEnd = stallEnd + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < stallEnd || smoke() && System.nanoTime() < smokeEnd && stalledConnections(node) == 0) {
            long left = TimeUnit.NANOSECONDS.toMillis(stallEnd - System.nanoTime());
            Thread.sleep(left > 0 ? Math.min(left, 100) : 100);
            if (System.nanoTime() >= nextReport && System.nanoTime() < stallEnd) {
                out.printf("  %4.0f s: sent %,d, bounced %,d, offline %s, rss %.1f MiB (peak %.1f), %s%n",
                        (System.nanoTime() - start) / 1e9, flood.sent(), bounced.count(), node.command("offline bench1", "OFFLINE"),
                        rss.current() / MIB, rss.peak() / MIB, memory(node).describe());
                nextReport += TimeUnit.SECONDS.toNanos(5);
            }
        }
        if (smoke() && stalledConnections(node) == 0) {
            // what the node was doing when its policy should have ended the stream and did not (for the failure's message)
            out.printf("the node did not end the stalled client's stream: its threads%n%s%n", threadDump(node));
        }
        Histogram during = interval(players);
        long rssPeakStall = rss.peak();
        Memory memoryStall = memory(node);
        long sentInStall = flood.sent();
        out.printf("end of the stall: %,d messages sent%n", sentInStall);
        report("ping-pong during the stall", during, "pingPongStall");
        figure("rss peak during the stall", rssPeakStall / MIB, "MiB", "rssPeakStallMiB");
        figure("rss peak during the stall over before", (rssPeakStall - rssBefore) / MIB, "MiB (target < 64)", "rssStallGrowthMiB");
        figure("node memory at the end of the stall", memoryStall.describe(), "memoryStall");

        // the stalled client reads again: until the node ended its stream, or everything was sent and settled
        BodyNumbers read = new BodyNumbers();
        long[] nextProgress = {System.nanoTime() + TimeUnit.SECONDS.toNanos(5)};
        BooleanSupplier settled = () -> {
            if (System.nanoTime() > nextProgress[0]) {
                nextProgress[0] += TimeUnit.SECONDS.toNanos(5);
                try {
                    out.printf("  %4.0f s: sent %,d, read %,d, bounced %,d, offline %s, rss %.1f MiB (peak %.1f)%n",
                            (System.nanoTime() - start) / 1e9, flood.sent(), read.count(), bounced.count(),
                            node.command("offline bench1", "OFFLINE"), rss.current() / MIB, rss.peak() / MIB);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
            return !flooding.isAlive() && settled(node, bounced, Duration.ofSeconds(2));
        };
        long bytesRead = stalled.readAll(read, settled, Duration.ofSeconds(smoke() ? 1 : 3));
        stalled.close();
        awaitCondition(settled::getAsBoolean, Duration.ofMinutes(20), "the flood to end and the offline store and the bounces to settle");
        flooding.join();
        Histogram afterStall = interval(players);
        long rssPeakFlood = Math.max(rssPeakStall, rss.peak());
        long rssSettled = rss.current();
        Memory memorySettled = memory(node);
        int storedAtLogin = Integer.parseInt(node.command("offline bench1", "OFFLINE"));
        String[] backlog = node.command("backlog", "BACKLOG").split(" ");

        // a new login of the stalled user fetches what was kept offline
        rss.resetPeak();
        BodyNumbers fetched = new BodyNumbers();
        LoadClient again = new LoadClient("bench1", "bench", "again", DOMAIN, null);
        again.readBodies(fetched::body);
        connect(clientLoop, node.port(), again);
        long fetchStart = System.nanoTime();
        long[] nextFetchProgress = {fetchStart + TimeUnit.SECONDS.toNanos(5)};
        awaitCondition(() -> {
            String left = node.command("offline bench1", "OFFLINE");
            if (System.nanoTime() > nextFetchProgress[0]) {
                nextFetchProgress[0] += TimeUnit.SECONDS.toNanos(5);
                out.printf("  fetch %4.0f s: fetched %,d, left in storage %s, rss %.1f MiB (peak %.1f)%n",
                        (System.nanoTime() - fetchStart) / 1e9, fetched.count(), left, rss.current() / MIB, rss.peak() / MIB);
            }
            return Integer.parseInt(left) == 0 && System.nanoTime() - fetched.lastChange() > TimeUnit.SECONDS.toNanos(smoke() ? 1 : 3);
        }, Duration.ofMinutes(20), "the offline messages to be fetched");
        double fetchSeconds = (System.nanoTime() - fetchStart) / 1e9;
        long rssPeakFetch = rss.peak();
        long rssAfter = rss.current();
        Memory memoryAfter = memory(node);
        players.forEach(PingPong::stop);
        Thread.sleep(200);
        long heapAfterGc = Long.parseLong(node.command("heap", "HEAP"));
        Thread.sleep(300);

        out.printf("flood: %,d messages of %d-byte bodies sent in %.1f s (%,d during the %d s stall); the stalled client read %,d bytes "
                        + "after the stall%s%s%n", flood.sent(), size, flood.seconds(), sentInStall, stallSeconds, bytesRead,
                stalled.sawPolicyViolation() ? ", policy-violation seen" : "", stalled.endedByNode() ? ", stream ended by the node" : "");
        figure("node: peak outbound backlog of a connection", Long.parseLong(backlog[0]) / 1024.0, "KiB", "peakBacklogKiB");
        figure("node: connections ended by the slow-consumer policy", Double.parseDouble(backlog[1]), "", "stalledConnections");
        figure("node: pauses in reading a client for its inbound rate", Double.parseDouble(backlog[2]), "", "inboundPauses");
        figure("rss peak until every message was settled", rssPeakFlood / MIB, "MiB", "rssPeakFloodMiB");
        figure("rss peak until settled over before", (rssPeakFlood - rssBefore) / MIB, "MiB (target < 64)", "rssFloodGrowthMiB");
        figure("rss when settled", rssSettled / MIB, "MiB", "rssSettledMiB");
        figure("node memory when settled", memorySettled.describe(), "memorySettled");
        figure("rss peak while the new login fetched the offline messages", rssPeakFetch / MIB, "MiB", "rssPeakFetchMiB");
        figure("rss after the fetch", rssAfter / MIB, "MiB", "rssAfterMiB");
        figure("node memory after the fetch", memoryAfter.describe(), "memoryAfter");
        figure("offline messages fetched by the new login in", fetchSeconds, "s", "fetchSeconds");
        figure("node heap used after full GCs at the end", heapAfterGc / MIB, "MiB", "heapAfterGcMiB");
        figure("rss after those GCs", rss.current() / MIB, "MiB", "rssEndMiB");
        report("ping-pong from the end of the stall until settled", afterStall, "pingPongAfterStall");

        BitSet all = new BitSet();
        all.or(read.numbers());
        all.or(fetched.numbers());
        all.or(bounced.numbers());
        int accounted = all.cardinality();
        long overlap = (long) read.count() + fetched.count() + bounced.count() - accounted;
        figure("messages sent", flood.sent(), "", "sent");
        figure("read by the stalled client after the stall", read.count(), "", "read");
        figure("kept offline (" + storedAtLogin + " in storage at the new login), fetched by the new login", fetched.count(), "", "offline");
        figure("bounced to the sender with an error", bounced.count(), "", "bounced");
        figure("accounted for (read + offline + bounced, each counted once)", accounted, "", "accounted");
        figure("missing (sent - accounted)", flood.sent() - accounted, "(target 0)", "missing");
        figure("counted in two places or twice", overlap + read.duplicates() + fetched.duplicates() + bounced.duplicates(), "",
                "duplicates");
    }

    private static String threadDump(NodeProcess node) {
        try {
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    String.valueOf(node.pid()), "Thread.print").redirectErrorStream(true).start();
            String dump = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            jcmd.waitFor(30, TimeUnit.SECONDS);
            return dump;
        } catch (IOException e) {
            return "(no thread dump: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(no thread dump: interrupted)";
        }
    }

    private static long stalledConnections(NodeProcess node) throws IOException {
        return Long.parseLong(node.command("backlog", "BACKLOG").split(" ")[1]);
    }

    /** Whether the stalled user's offline count and the sender's bounces did not change for {@code quiet}. */
    private final Map<String, Long> lastOffline = new HashMap<>();

    private boolean settled(NodeProcess node, BodyNumbers bounced, Duration quiet) {
        try {
            long offline = Long.parseLong(node.command("offline bench1", "OFFLINE"));
            long now = System.nanoTime();
            Long seen = lastOffline.get("count");
            if (seen == null || seen != offline) {
                lastOffline.put("count", offline);
                lastOffline.put("since", now);
                return false;
            }
            return now - lastOffline.get("since") > quiet.toNanos() && now - bounced.lastChange() > quiet.toNanos();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // --- reporting ---

    private void figure(String what, double value, String unit, String key) {
        out.printf("RESULT %s: %s %s%n", what, value == Math.rint(value) && Math.abs(value) < 1e15
                ? String.format("%,d", (long) value) : String.format("%.1f", value), unit);
        results.put(key, value);
    }

    private void figure(String what, String text, String key) {
        out.printf("RESULT %s: %s%n", what, text);
    }

    private void report(String what, Histogram h, String key) {
        out.printf("RESULT %s: %d rounds, p50 %.3f ms, p99 %.3f ms, max %.3f ms%n", what, h.getTotalCount(),
                h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6, h.getMaxValue() / 1e6);
        results.put(key + "Rounds", (double) h.getTotalCount());
        results.put(key + "P50Millis", h.getValueAtPercentile(50) / 1e6);
        results.put(key + "P99Millis", h.getValueAtPercentile(99) / 1e6);
    }

    private static Histogram interval(List<PingPong> players) {
        Histogram sum = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        for (PingPong player : players) {
            sum.add(player.interval());
        }
        return sum;
    }

    /** The node's heap and direct memory, without a GC. */
    private record Memory(long heapUsed, long heapCommitted, long direct) {
        String describe() {
            return String.format("heap used %.1f MiB of %.1f MiB committed, direct %.1f MiB", heapUsed / MIB, heapCommitted / MIB, direct / MIB);
        }
    }

    private static Memory memory(NodeProcess node) throws IOException {
        String[] values = node.command("memory", "MEMORY").split(" ");
        return new Memory(Long.parseLong(values[0]), Long.parseLong(values[1]), Long.parseLong(values[2]));
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static void awaitCondition(Check check, Duration atMost, String what) throws Exception {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("waited " + atMost.toSeconds() + " s for " + what);
            }
            Thread.sleep(50);
        }
    }

    // --- clients ---

    private LoadClient connect(EventLoopGroup group, int port, String user, String resource, LoadClient.Listener listener)
            throws Exception {
        LoadClient client = new LoadClient(user, "bench", resource, DOMAIN, null);
        if (listener != null) {
            client.setListener(listener);
        }
        return connect(group, port, client);
    }

    private static LoadClient connect(EventLoopGroup group, int port, LoadClient client) throws Exception {
        new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(client)
                .connect("127.0.0.1", port)
                .addListener(f -> {
                    if (!f.isSuccess()) {
                        client.ready().completeExceptionally(f.cause());
                    }
                });
        CompletableFuture<LoadClient> ready = client.ready();
        return ready.get(60, TimeUnit.SECONDS);
    }

    /** Sends numbered chat messages ({@code m1 ...} to {@code m<n> ...}) as fast as the sender's socket takes them. */
    private static final class Flood {
        private final Channel channel;
        private final String to;
        private final int messages;
        private final String padding;
        private final AtomicLong sent = new AtomicLong();
        private volatile long started;
        private volatile long ended;

        Flood(Channel channel, String to, int messages, String padding) {
            this.channel = channel;
            this.to = to;
            this.messages = messages;
            this.padding = padding;
        }

        void run() throws InterruptedException {
            started = System.nanoTime();
            for (int n = 1; n <= messages; n++) {
                while (!channel.isWritable()) {
                    if (!channel.isActive()) {
                        throw new IllegalStateException("the sender's connection closed after " + sent.get() + " messages");
                    }
                    channel.flush();
                    Thread.sleep(1);
                }
                ByteBuf message = Unpooled.copiedBuffer("<message to='" + to + "' type='chat' id='m" + n + "'><body>m" + n + " "
                        + padding + "</body></message>", StandardCharsets.UTF_8);
                channel.write(message, channel.voidPromise());
                sent.incrementAndGet();
                if (n % 16 == 0) {
                    channel.flush();
                }
            }
            channel.flush();
            ended = System.nanoTime();
        }

        void runQuietly() {
            try {
                run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        long sent() {
            return sent.get();
        }

        double seconds() {
            return ((ended == 0 ? System.nanoTime() : ended) - started) / 1e9;
        }
    }

    /** A pair playing message ping-pong on its own event loop: one round in flight, the next at most every interval. */
    private static final class PingPong {
        private final LoadClient a;
        private final LoadClient b;
        private final long intervalNanos;
        private final Recorder recorder = new Recorder(TimeUnit.SECONDS.toNanos(60), 3);
        private final ByteBuf toB;
        private final ByteBuf toA;
        private volatile boolean running = true;
        private long sentAt;

        PingPong(LoadClient a, LoadClient b, int intervalMs) {
            this.a = a;
            this.b = b;
            this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMs);
            this.toB = C2sLoad.messageTo(b.jid(), "ping");
            this.toA = C2sLoad.messageTo(a.jid(), "pong");
        }

        void start() {
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
                recorder.recordValue(Math.min(now - sentAt, TimeUnit.SECONDS.toNanos(60)));
                long wait = sentAt + intervalNanos - now;
                if (wait > 0) {
                    c.channel().eventLoop().schedule(this::ping, wait, TimeUnit.NANOSECONDS);
                } else {
                    ping();
                }
            });
            a.channel().eventLoop().execute(this::ping);
        }

        private void ping() {
            if (running) {
                sentAt = System.nanoTime();
                a.channel().writeAndFlush(toB.duplicate(), a.channel().voidPromise());
            }
        }

        Histogram interval() {
            return recorder.getIntervalHistogram();
        }

        void stop() {
            running = false;
        }
    }

    /** The node process's resident size (VmRSS), sampled every 100 ms, with the peak since the last reset. */
    private static final class RssSampler {
        private final Path status;
        private final Thread thread;
        private volatile long current;
        private volatile long peak;
        private volatile boolean running = true;

        RssSampler(long pid) throws IOException {
            status = Path.of("/proc", String.valueOf(pid), "status");
            current = read();
            peak = current;
            thread = new Thread(this::loop, "rss-sampler");
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        private void loop() {
            while (running) {
                try {
                    long value = read();
                    current = value;
                    if (value > peak) {
                        peak = value;
                    }
                    Thread.sleep(100);
                } catch (IOException e) {
                    return; // the process ended
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private long read() throws IOException {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024; // kB
                }
            }
            throw new IOException("no VmRSS in " + status);
        }

        long current() {
            return current;
        }

        long peak() {
            return peak;
        }

        void resetPeak() {
            peak = current;
        }

        void stop() throws InterruptedException {
            running = false;
            thread.interrupt();
            thread.join(1000);
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim() + " (" + Runtime.getRuntime().availableProcessors() + " cores)";
        } catch (IOException e) {
            return "unknown";
        }
    }
}
