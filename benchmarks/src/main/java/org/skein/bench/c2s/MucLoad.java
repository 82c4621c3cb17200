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
import org.skein.muc.MucService;
import org.skein.muc.RoomConfig;

/**
 * Group chat load (issue 15): one room with {@code --occupants} occupants (default 300) spread evenly
 * over the nodes, and {@code --senders} senders (default 3, on different nodes where there are
 * several) each keeping {@code --window} of its own messages in flight (a message is done when the room
 * reflects it back to its sender). Light raw clients ({@link LoadClient}), nodes in this JVM
 * ({@link ClusterNodes}: Hazelcast members over loopback when more than one).
 * <p>
 * Reports, per setup: room messages per second, deliveries per second (room messages times
 * occupants), delivery latency p50/p99 (from the sender's write to the arrival at each occupant, one
 * clock since everything runs in this JVM), and, in the cluster, the packet router's stanzas per room
 * message: those the room's home sent (the fan-out units: at most one per other node with occupants)
 * and those the other nodes sent (their senders' messages forwarded to the home).
 * Setups ({@code --setups}): {@code cluster} ({@code --nodes}, default 3) and {@code single} (every
 * occupant on one node). {@code --mode smoke}: a few seconds, a few occupants.
 */
public final class MucLoad {

    private static final String DOMAIN = "localhost";
    private static final String SERVICE = "conference." + DOMAIN;
    private static final String ROOM = "bench@" + SERVICE;

    private final Map<String, String> options;
    private final PrintStream out;
    private final EventLoopGroup group;

    private MucLoad(Map<String, String> options, PrintStream out) {
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
        MucLoad load = new MucLoad(options, out);
        try {
            return load.run();
        } finally {
            load.group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private int intOption(String key, int defaultValue) {
        return Integer.parseInt(options.getOrDefault(key, String.valueOf(defaultValue)));
    }

    private Map<String, Double> run() throws Exception {
        Map<String, Double> results = new LinkedHashMap<>();
        if ("smoke".equals(options.get("mode"))) {
            options.putIfAbsent("occupants", "9");
            options.putIfAbsent("warmup", "1");
            options.putIfAbsent("seconds", "2");
            options.putIfAbsent("window", "2");
        } else if (options.containsKey("mode")) {
            throw new IllegalArgumentException("unknown mode " + options.get("mode") + "; leave it out, or smoke");
        }
        for (String setup : options.getOrDefault("setups", "cluster,single").split(",")) {
            switch (setup) {
                case "cluster" -> measure("cluster", intOption("nodes", 3), results);
                case "single" -> measure("single", 1, results);
                default -> throw new IllegalArgumentException("unknown setup " + setup + "; use cluster and/or single");
            }
        }
        out.println("results: " + results);
        return results;
    }

    /** One sender: its messages in flight are those the room has not reflected back to it yet. */
    private static final class Sender {
        final int index;
        final LoadClient client;
        final int window;
        final AtomicLong sent = new AtomicLong();
        final AtomicLong reflected = new AtomicLong();
        final AtomicBoolean scheduled = new AtomicBoolean();
        volatile boolean running = true;

        Sender(int index, LoadClient client, int window) {
            this.index = index;
            this.client = client;
            this.window = window;
        }

        void reflected() {
            long back = reflected.incrementAndGet();
            if (running && sent.get() - back <= window / 2 && scheduled.compareAndSet(false, true)) {
                client.channel().eventLoop().execute(this::topUp);
            }
        }

        void topUp() {
            scheduled.set(false);
            int written = 0;
            while (running && sent.get() - reflected.get() < window) {
                client.channel().write(Unpooled.copiedBuffer("<message to='" + ROOM + "' type='groupchat'><body>" + index + ":"
                        + System.nanoTime() + "</body></message>", StandardCharsets.UTF_8), client.channel().voidPromise());
                sent.incrementAndGet();
                written++;
            }
            if (written > 0) {
                client.channel().flush();
            }
        }
    }

    private void measure(String setup, int nodeCount, Map<String, Double> results) throws Exception {
        int occupants = intOption("occupants", 300);
        int senderCount = intOption("senders", 3);
        int window = intOption("window", 10);
        int warmup = intOption("warmup", 5);
        int seconds = intOption("seconds", 15);
        try (ClusterNodes nodes = new ClusterNodes(nodeCount, Map.of())) {
            nodes.createUsers(occupants);
            MucService service = nodes.node(0).multiUserChat().service(SERVICE).orElseThrow();
            service.createRoom("bench", RoomConfig.builder().historyLength(0).maxUsers(0).build(), "bench0@" + DOMAIN)
                    .get(60, TimeUnit.SECONDS);
            // occupant i on node i % nodes: senders 0, 1, 2 on three different nodes
            List<LoadClient> clients = connectAll(nodes, occupants);
            for (int i = 0; i < occupants; i++) {
                clients.get(i).channel().writeAndFlush(Unpooled.copiedBuffer("<presence to='" + ROOM + "/n" + i
                        + "'><x xmlns='http://jabber.org/protocol/muc'><history maxstanzas='0'/></x></presence>", StandardCharsets.UTF_8));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (service.room("bench").get(60, TimeUnit.SECONDS).orElseThrow().occupants().size() < occupants) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the occupants did not all enter the room in 120 s");
                }
                Thread.sleep(100);
            }
            String home = service.room("bench").get(60, TimeUnit.SECONDS).orElseThrow().homeNode();

            Recorder latency = new Recorder(3);
            LongAdder delivered = new LongAdder();
            List<Sender> senders = new ArrayList<>();
            for (int s = 0; s < senderCount; s++) {
                senders.add(new Sender(s, clients.get(s), window));
            }
            for (LoadClient client : clients) {
                client.readBodies(body -> {
                    int colon = body.indexOf(':');
                    if (colon < 0) {
                        return; // not one of ours
                    }
                    latency.recordValue(Math.max(0, System.nanoTime() - Long.parseLong(body.substring(colon + 1))));
                    delivered.increment();
                    int from = Integer.parseInt(body.substring(0, colon));
                    if (clients.get(from) == client) {
                        senders.get(from).reflected();
                    }
                });
            }
            quiesce(nodes, nodeCount); // the entries' presences still on their way must not count as the messages' entries
            long[] routerAtStart = routerSent(nodes, nodeCount);
            for (Sender sender : senders) {
                sender.client.channel().eventLoop().execute(sender::topUp);
            }
            Thread.sleep(warmup * 1000L);

            latency.getIntervalHistogram();
            long deliveredBefore = delivered.sum();
            long messagesBefore = reflected(senders);
            long start = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            Histogram histogram = latency.getIntervalHistogram();
            long deliveredAfter = delivered.sum();
            long messagesAfter = reflected(senders);
            double elapsed = (System.nanoTime() - start) / 1e9;
            senders.forEach(s -> s.running = false);
            long lost = drain(senders, delivered, occupants);
            long[] routerAtEnd = routerSent(nodes, nodeCount);
            long sentInAll = 0;
            StringBuilder perSender = new StringBuilder();
            for (Sender sender : senders) {
                sentInAll += sender.sent.get();
                perSender.append(perSender.length() == 0 ? "" : ", ").append(sender.sent.get());
            }

            long messages = messagesAfter - messagesBefore;
            out.printf("%s: %d node(s), %d occupants, %d senders with %d in flight each, %.1f s: %d room messages (%.0f/s), "
                            + "%d deliveries (%.0f/s); delivery p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                    setup, nodeCount, occupants, senderCount, window, elapsed, messages, messages / elapsed,
                    deliveredAfter - deliveredBefore, (deliveredAfter - deliveredBefore) / elapsed,
                    histogram.getValueAtPercentile(50) / 1e6, histogram.getValueAtPercentile(99) / 1e6, histogram.getMaxValue() / 1e6);
            results.put(setup + ".roomMessagesPerSecond", messages / elapsed);
            results.put(setup + ".deliveriesPerSecond", (deliveredAfter - deliveredBefore) / elapsed);
            results.put(setup + ".deliveryP50Millis", histogram.getValueAtPercentile(50) / 1e6);
            results.put(setup + ".deliveryP99Millis", histogram.getValueAtPercentile(99) / 1e6);
            out.printf("%s: %d messages sent in all (per sender: %s); after the senders stopped, %s (%d deliveries missing)%n",
                    setup, sentInAll, perSender, lost == 0 ? "every one had reached every occupant" : "some had not reached every occupant",
                    lost);
            results.put(setup + ".missingDeliveries", (double) lost);
            if (nodeCount > 1) {
                long fromHome = 0;
                long fromOthers = 0;
                for (int i = 0; i < nodeCount; i++) {
                    long sent = routerAtEnd[i] - routerAtStart[i];
                    if (nodes.node(i).nodeId().value().equals(home)) {
                        fromHome += sent;
                    } else {
                        fromOthers += sent;
                    }
                }
                out.printf("%s: router stanzas per room message, from the first message to the last delivery: %.3f from the home "
                                + "(%s; other nodes with occupants: %d), %.3f from the other nodes (their senders' messages to the home)%n",
                        setup, (double) fromHome / sentInAll, home, nodeCount - 1, (double) fromOthers / sentInAll);
                results.put(setup + ".routerStanzasPerMessageFromHome", (double) fromHome / sentInAll);
                results.put(setup + ".routerStanzasPerMessageFromOthers", (double) fromOthers / sentInAll);
            }
            C2sLoad.closeAll(clients);
        }
    }

    /**
     * Waits until every sender has its messages back and deliveries stop (at most 60 s); returns how many
     * deliveries are missing: messages sent times occupants, minus deliveries counted since the start.
     */
    private static long drain(List<Sender> senders, LongAdder delivered, int occupants) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long last = -1;
        while (System.nanoTime() < deadline) {
            boolean back = senders.stream().allMatch(s -> s.reflected.get() >= s.sent.get());
            long now = delivered.sum();
            if (back && now == last) {
                break;
            }
            last = now;
            Thread.sleep(500);
        }
        long sent = 0;
        for (Sender sender : senders) {
            sent += sender.sent.get();
        }
        return sent * occupants - delivered.sum();
    }

    /** Waits (at most 60 s) until no node's packet router has anything queued and their counts stay put for half a second. */
    private static void quiesce(ClusterNodes nodes, int count) throws InterruptedException {
        if (count < 2) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long[] last = null;
        while (System.nanoTime() < deadline) {
            long[] now = routerSent(nodes, count);
            long queued = 0;
            for (int i = 0; i < count; i++) {
                queued += nodes.routerFigures(i).sentTotal().queued();
            }
            if (queued == 0 && java.util.Arrays.equals(now, last)) {
                return;
            }
            last = now;
            Thread.sleep(500);
        }
    }

    private static long reflected(List<Sender> senders) {
        long sum = 0;
        for (Sender sender : senders) {
            sum += sender.reflected.get();
        }
        return sum;
    }

    private static long[] routerSent(ClusterNodes nodes, int count) {
        long[] sent = new long[count];
        for (int i = 0; count > 1 && i < count; i++) {
            sent[i] = nodes.routerFigures(i).sentTotal().sent();
        }
        return sent;
    }

    private List<LoadClient> connectAll(ClusterNodes nodes, int count) throws Exception {
        Semaphore inFlight = new Semaphore(32);
        List<CompletableFuture<LoadClient>> futures = new ArrayList<>(count);
        int nodeCount = nodes.size();
        for (int i = 0; i < count; i++) {
            inFlight.acquire();
            LoadClient client = new LoadClient("bench" + i, "bench", "r", DOMAIN, null);
            new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(client)
                    .connect("127.0.0.1", nodes.node(i % nodeCount).c2sPort())
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
