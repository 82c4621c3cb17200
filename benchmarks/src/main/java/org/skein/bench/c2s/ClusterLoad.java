package org.skein.bench.c2s;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.skein.XmppServer;
import org.xmpp.packet.JID;

/**
 * Cross-node load: senders on node 1, receivers on node 2 of a two-node Hazelcast cluster (nodes in
 * this JVM, members over loopback TCP), light raw clients ({@link LoadClient}). Modes ({@code --mode}):
 * <ul>
 *   <li>{@code throughput}: {@code --pairs} pairs, each sender keeping {@code --window} messages in
 *       flight, side by side in three setups: {@code single} (one node, no cluster), {@code cross} (the
 *       plugin's packet router) and {@code baseline} (one cluster task per stanza,
 *       {@link PerStanzaTaskRouter}); messages/s over {@code --seconds} after {@code --warmup}.</li>
 *   <li>{@code latency}: message ping-pong across nodes (A on node 1, B on node 2), round trip p50/p99,
 *       unloaded and while paced pairs send at {@code --load} messages/s (half of the cross maximum by
 *       default, measured first when not given).</li>
 *   <li>{@code sequence}: one client sends {@code --messages} numbered messages to one client on the
 *       other node as fast as its window allows: messages/s and how many arrived out of order.</li>
 *   <li>{@code all}: the three; {@code smoke}: all of them, seconds long, small numbers.</li>
 * </ul>
 */
public final class ClusterLoad {

    private final Map<String, String> options;
    private final PrintStream out;
    private final EventLoopGroup group;

    private ClusterLoad(Map<String, String> options, PrintStream out) {
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
        ClusterLoad load = new ClusterLoad(options, out);
        try {
            return load.run();
        } finally {
            load.group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private Map<String, Double> run() throws Exception {
        Map<String, Double> results = new LinkedHashMap<>();
        String mode = options.getOrDefault("mode", "all");
        int pairs = intOption("pairs", 50);
        int warmup = intOption("warmup", 5);
        int seconds = intOption("seconds", 15);
        switch (mode) {
            case "throughput" -> throughputs(pairs, warmup, seconds, results);
            case "latency" -> latency(warmup, seconds, results);
            case "sequence" -> sequence(intOption("messages", 20_000), results);
            case "all" -> {
                throughputs(pairs, warmup, seconds, results);
                latency(warmup, seconds, results);
                sequence(intOption("messages", 20_000), results);
            }
            case "smoke" -> {
                throughputs(4, 1, 1, results);
                options.put("load", "2000");
                latency(1, 1, results);
                sequence(2_000, results);
            }
            default -> throw new IllegalArgumentException("unknown mode " + mode + "; use throughput, latency, sequence, all or smoke");
        }
        out.println("results: " + results);
        return results;
    }

    /** {@code --node-config key=value,key=value}: node settings on top of the benchmark's (e.g. router settings). */
    private Map<String, String> nodeConfig() {
        Map<String, String> config = new HashMap<>();
        String value = options.getOrDefault("node-config", "");
        for (String pair : value.split(",")) {
            if (!pair.isBlank()) {
                int eq = pair.indexOf('=');
                if (eq < 1) {
                    throw new IllegalArgumentException("--node-config takes key=value pairs separated by commas, not " + pair);
                }
                config.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
            }
        }
        return config;
    }

    private int intOption(String key, int defaultValue) {
        return Integer.parseInt(options.getOrDefault(key, String.valueOf(defaultValue)));
    }

    // --- setups ---

    private enum Setup { SINGLE, CROSS, BASELINE }

    /** The nodes of a setup, the senders' node and the receivers' node. */
    private record Running(ClusterNodes nodes, XmppServer senders, XmppServer receivers) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            nodes.close();
        }
    }

    private Running start(Setup setup, int users) throws Exception {
        ClusterNodes nodes = new ClusterNodes(setup == Setup.SINGLE ? 1 : 2, nodeConfig());
        nodes.createUsers(users);
        if (setup == Setup.BASELINE) {
            for (int i = 0; i < 2; i++) {
                nodes.node(i).routingTable().setRemotePacketRouter(new PerStanzaTaskRouter(nodes.node(i).clusterManager(), nodes.node(i).routingTable()));
            }
        }
        return new Running(nodes, nodes.node(0), setup == Setup.SINGLE ? nodes.node(0) : nodes.node(1));
    }

    private CompletableFuture<LoadClient> connect(int port, String user) {
        LoadClient client = new LoadClient(user, "bench", "r", "localhost", null);
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

    /** Senders bench0, bench2, ... on the senders' node, receivers bench1, bench3, ... on the receivers' node. */
    private List<LoadClient> connectPairs(Running running, int pairs) throws Exception {
        List<CompletableFuture<LoadClient>> futures = new ArrayList<>();
        for (int i = 0; i < 2 * pairs; i++) {
            XmppServer node = i % 2 == 0 ? running.senders() : running.receivers();
            futures.add(connect(node.c2sPort(), "bench" + i));
        }
        List<LoadClient> clients = new ArrayList<>();
        for (CompletableFuture<LoadClient> future : futures) {
            clients.add(future.get(60, TimeUnit.SECONDS));
        }
        // the senders' node must see every receiver's route, available, before the load starts
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (int i = 1; i < 2 * pairs; i += 2) {
            JID receiver = new JID(clients.get(i).jid());
            while (running.senders().routingTable().clientRoute(receiver) == null
                    || !running.senders().routingTable().clientRoute(receiver).available()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the route of " + receiver + " did not reach the senders' node");
                }
                Thread.sleep(10);
            }
        }
        return clients;
    }

    // --- throughput ---

    private void throughputs(int pairs, int warmup, int seconds, Map<String, Double> results) throws Exception {
        List<String> chosen = List.of(options.getOrDefault("setups", "single,cross,baseline").split(","));
        for (Setup setup : Setup.values()) {
            if (chosen.contains(setup.name().toLowerCase())) {
                results.put("messagesPerSecond." + setup.name().toLowerCase(), throughput(setup, pairs, warmup, seconds));
            }
        }
        if (chosen.size() < 3) {
            return;
        }
        double single = results.get("messagesPerSecond.single");
        double cross = results.get("messagesPerSecond.cross");
        double baseline = results.get("messagesPerSecond.baseline");
        out.printf("throughput side by side: single node %.0f, cross-node %.0f (%.0f%% of single), baseline %.0f "
                + "(cross-node is %.1fx the baseline)%n", single, cross, 100 * cross / single, baseline, cross / baseline);
    }

    private double throughput(Setup setup, int pairs, int warmup, int seconds) throws Exception {
        int window = intOption("window", 100);
        try (Running running = start(setup, 2 * pairs)) {
            List<LoadClient> clients = connectPairs(running, pairs);
            List<C2sLoad.Pair> load = new ArrayList<>();
            for (int i = 0; i < pairs; i++) {
                load.add(new C2sLoad.Pair(clients.get(2 * i), clients.get(2 * i + 1), window));
            }
            for (C2sLoad.Pair pair : load) {
                pair.sender.channel().eventLoop().execute(pair::topUp);
            }
            Thread.sleep(warmup * 1000L);
            long before = C2sLoad.total(load);
            long start = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            long after = C2sLoad.total(load);
            double elapsed = (System.nanoTime() - start) / 1e9;
            load.forEach(pair -> pair.running = false);
            double rate = (after - before) / elapsed;
            out.printf("throughput %s: %d pairs, window %d, %.1f s: %d messages delivered, %.0f messages/s%n",
                    setup.name().toLowerCase(), pairs, window, elapsed, after - before, rate);
            if (setup == Setup.CROSS) {
                out.println("packet router of the senders' node: " + running.nodes().routerFigures(0).sentTotal());
            }
            C2sLoad.closeAll(clients);
            return rate;
        }
    }

    // --- latency ---

    private void latency(int warmup, int seconds, Map<String, Double> results) throws Exception {
        double maxLoad = options.containsKey("load") ? Double.parseDouble(options.get("load")) * 2
                : results.getOrDefault("messagesPerSecond.cross", 0.0);
        if (maxLoad == 0) {
            maxLoad = throughput(Setup.CROSS, intOption("pairs", 50), warmup, seconds);
        }
        int pairs = intOption("pairs", 50);
        try (Running running = start(Setup.CROSS, 2 * pairs + 2)) {
            List<LoadClient> clients = connectPairs(running, pairs + 1);
            LoadClient a = clients.get(2 * pairs);
            LoadClient b = clients.get(2 * pairs + 1);
            Histogram idle = C2sLoad.messagePingPong(a, b, warmup, seconds);
            report("cross-node ping-pong, no other load", idle, results, "pingPong");

            double rate = maxLoad / 2;
            List<ScheduledFuture<?>> pacers = new ArrayList<>();
            AtomicLong delivered = new AtomicLong();
            for (int i = 0; i < pairs; i++) {
                pacers.add(pace(clients.get(2 * i), clients.get(2 * i + 1), rate / pairs, delivered));
            }
            Thread.sleep(1000);
            long before = delivered.get();
            long start = System.nanoTime();
            Histogram loaded = C2sLoad.messagePingPong(a, b, warmup, seconds);
            double achieved = (delivered.get() - before) / ((System.nanoTime() - start) / 1e9);
            pacers.forEach(p -> p.cancel(false));
            out.printf("background load: %d pairs paced at %.0f messages/s in all (half of %.0f); delivered %.0f messages/s%n",
                    pairs, rate, maxLoad, achieved);
            report("cross-node ping-pong at half of max load", loaded, results, "pingPongHalfLoad");
            results.put("halfLoadMessagesPerSecond", achieved);
            C2sLoad.closeAll(clients);
        }
    }

    /** A sender that writes at a fixed rate (every millisecond, what its credit allows) to its receiver. */
    private static ScheduledFuture<?> pace(LoadClient sender, LoadClient receiver, double perSecond, AtomicLong delivered) {
        ByteBuf message = C2sLoad.messageTo(receiver.jid(), "paced load");
        receiver.setListener((c, messages, results) -> delivered.addAndGet(messages));
        double perTick = perSecond / 1000;
        double[] credit = {0};
        return sender.channel().eventLoop().scheduleAtFixedRate(() -> {
            credit[0] += perTick;
            boolean wrote = false;
            while (credit[0] >= 1) {
                sender.channel().write(message.duplicate(), sender.channel().voidPromise());
                credit[0]--;
                wrote = true;
            }
            if (wrote) {
                sender.channel().flush();
            }
        }, 1, 1, TimeUnit.MILLISECONDS);
    }

    private void report(String what, Histogram histogram, Map<String, Double> results, String key) {
        out.printf("%s: %d samples, p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, max %.3f ms%n", what, histogram.getTotalCount(),
                histogram.getValueAtPercentile(50) / 1e6, histogram.getValueAtPercentile(90) / 1e6,
                histogram.getValueAtPercentile(99) / 1e6, histogram.getMaxValue() / 1e6);
        results.put(key + "P50Millis", histogram.getValueAtPercentile(50) / 1e6);
        results.put(key + "P99Millis", histogram.getValueAtPercentile(99) / 1e6);
    }

    // --- one client, numbered messages ---

    private void sequence(int count, Map<String, Double> results) throws Exception {
        int window = intOption("sequence-window", 1000);
        try (Running running = start(Setup.CROSS, 2)) {
            List<LoadClient> clients = connectPairs(running, 1);
            LoadClient sender = clients.get(0);
            LoadClient receiver = clients.get(1);
            LoadClient.SequenceCheck check = receiver.checkSequence();
            AtomicLong received = new AtomicLong();
            long[] sent = {0};
            CompletableFuture<Long> done = new CompletableFuture<>();
            Runnable topUp = () -> {
                boolean wrote = false;
                while (sent[0] < count && sent[0] - received.get() < window) {
                    sender.channel().write(Unpooled.copiedBuffer("<message to='" + receiver.jid() + "' type='chat'><body>" + sent[0]
                            + "</body></message>", StandardCharsets.UTF_8), sender.channel().voidPromise());
                    sent[0]++;
                    wrote = true;
                }
                if (wrote) {
                    sender.channel().flush();
                }
            };
            receiver.setListener((c, messages, r) -> {
                long got = received.addAndGet(messages);
                if (got >= count) {
                    done.complete(System.nanoTime());
                } else {
                    sender.channel().eventLoop().execute(topUp);
                }
            });
            long start = System.nanoTime();
            sender.channel().eventLoop().execute(topUp);
            long end = done.get(120, TimeUnit.SECONDS);
            double rate = count / ((end - start) / 1e9);
            out.printf("one client to one client across nodes: %d messages in %.2f s, %.0f messages/s, %d out of order (%d bodies read)%n",
                    count, (end - start) / 1e9, rate, check.outOfOrder, check.seen);
            results.put("sequenceMessagesPerSecond", rate);
            results.put("sequenceOutOfOrder", (double) check.outOfOrder);
            C2sLoad.closeAll(clients);
        }
    }
}
