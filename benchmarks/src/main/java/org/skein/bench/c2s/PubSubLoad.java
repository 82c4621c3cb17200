package org.skein.bench.c2s;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.dom4j.DocumentHelper;
import org.dom4j.Element;
import org.skein.XmppServer;
import org.skein.pubsub.PubSubTopics;
import org.xmpp.packet.JID;

/**
 * Publish-subscribe fan-out across a cluster (issue 14's benchmark): one topic of the service
 * {@code pubsub.localhost} with {@code --subscribers} full JIDs (3,000 by default), spread evenly over
 * {@code --nodes} Hazelcast members in this JVM (3; they share one in-memory H2 database, the
 * service's truth), each subscriber a light raw client ({@link LoadClient}) logged in to its node.
 * Node 1 publishes through the topics API ({@code ServerContext.pubSubTopics()}), as a plugin does.
 * <ul>
 *   <li><b>latency</b>: {@code --paced} publications one at a time (the next when every subscriber
 *       got the previous one): for each notification, the time from the call to {@code publish} to
 *       its arrival at the subscriber's socket, p50/p99.</li>
 *   <li><b>throughput</b>: {@code --publishes} publications with at most {@code --window} not yet
 *       delivered to every subscriber: publications and notifications per second, until the last
 *       notification arrived.</li>
 *   <li><b>router entries per publish</b>: what node 1 queued on its packet router for the other nodes
 *       over both phases, per publication (the target: at most the number of other nodes with
 *       subscribers; nothing else crosses during the run).</li>
 * </ul>
 * {@code --mode smoke}: a few subscribers and publications, seconds long.
 */
public final class PubSubLoad {

    private static final String TOPIC = "bench";

    private final Map<String, String> options;
    private final PrintStream out;
    private final EventLoopGroup group;

    private PubSubLoad(Map<String, String> options, PrintStream out) {
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
        if ("smoke".equals(options.get("mode"))) {
            options.putIfAbsent("subscribers", "30");
            options.putIfAbsent("paced", "5");
            options.putIfAbsent("publishes", "20");
        }
        PubSubLoad load = new PubSubLoad(options, out);
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
        int nodeCount = intOption("nodes", 3);
        int subscribers = intOption("subscribers", 3000);
        int paced = intOption("paced", 200);
        int publishes = intOption("publishes", 500);
        int window = intOption("window", 8);
        Map<String, Double> results = new LinkedHashMap<>();
        Map<String, String> config = new HashMap<>();
        config.put("db.url", "jdbc:h2:mem:bench-pubsub-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        try (ClusterNodes nodes = new ClusterNodes(nodeCount, config)) {
            XmppServer publisher = nodes.node(0);
            nodes.createUsers(subscribers);
            PubSubTopics topics = publisher.pubSubTopics().orElseThrow(() -> new IllegalStateException("pubsub.enabled is off"));
            topics.addTopic(TOPIC);

            long setup = System.nanoTime();
            List<CompletableFuture<LoadClient>> futures = new ArrayList<>();
            for (int i = 0; i < subscribers; i++) {
                futures.add(connect(nodes.node(i % nodeCount).c2sPort(), "bench" + i));
            }
            List<LoadClient> clients = new ArrayList<>();
            for (CompletableFuture<LoadClient> future : futures) {
                clients.add(future.get(120, TimeUnit.SECONDS));
            }
            for (LoadClient client : clients) {
                topics.subscribe(TOPIC, new JID(client.jid()));
            }
            awaitRoutes(publisher, clients);
            out.printf("setup: %d nodes, %d subscribers (%d a node) connected and subscribed in %.1f s%n", nodeCount, subscribers,
                    subscribers / nodeCount, (System.nanoTime() - setup) / 1e9);

            // every notification: the client's count says which publication it is (one client gets them in order)
            int total = paced + publishes;
            long[] publishedAt = new long[total + 1];
            AtomicIntegerArray got = new AtomicIntegerArray(subscribers);
            AtomicLong delivered = new AtomicLong();
            Histogram latency = new ConcurrentHistogram(3);
            for (int i = 0; i < subscribers; i++) {
                int index = i;
                clients.get(i).setListener((client, messages, iqResults) -> {
                    long now = System.nanoTime();
                    for (int m = 0; m < messages; m++) {
                        int n = got.incrementAndGet(index);
                        if (n <= paced) {
                            latency.recordValue(Math.max(0, now - publishedAt[n]));
                        }
                    }
                    delivered.addAndGet(messages);
                });
            }
            long routerBefore = nodeCount > 1 ? routerEntries(nodes) : 0;

            Element payload = DocumentHelper.parseText("<entry xmlns='urn:skein:bench'>a notification of about a hundred bytes "
                    + "of payload, as a status update</entry>").getRootElement();
            for (int n = 1; n <= paced; n++) {
                publishedAt[n] = System.nanoTime();
                topics.publish(TOPIC, payload.createCopy());
                awaitDelivered(delivered, (long) n * subscribers);
            }
            report(latency, paced, subscribers, results);

            long start = System.nanoTime();
            for (int n = paced + 1; n <= total; n++) {
                while ((long) (n - 1 - window) * subscribers > delivered.get()) {
                    LockSupport.parkNanos(50_000);
                }
                topics.publish(TOPIC, payload.createCopy());
            }
            awaitDelivered(delivered, (long) total * subscribers);
            double seconds = (System.nanoTime() - start) / 1e9;
            double rate = publishes / seconds;
            out.printf("throughput: %d publications, at most %d not yet delivered everywhere, in %.2f s: %.1f publications/s, "
                    + "%.0f notifications/s%n", publishes, window, seconds, rate, rate * subscribers);
            results.put("publishesPerSecond", rate);
            results.put("notificationsPerSecond", rate * subscribers);

            if (nodeCount > 1) {
                long entries = routerEntries(nodes) - routerBefore;
                double perPublish = (double) entries / total;
                out.printf("router entries queued by node 1: %d for %d publications, %.2f per publication (other nodes with "
                        + "subscribers: %d)%n", entries, total, perPublish, nodeCount - 1);
                results.put("routerEntriesPerPublish", perPublish);
            }
            C2sLoad.closeAll(clients);
        }
        out.println("results: " + results);
        return results;
    }

    private void report(Histogram latency, int paced, int subscribers, Map<String, Double> results) {
        out.printf("latency, one publication at a time: %d notifications (%d publications x %d subscribers), p50 %.2f ms, "
                + "p90 %.2f ms, p99 %.2f ms, max %.2f ms%n", latency.getTotalCount(), paced, subscribers,
                latency.getValueAtPercentile(50) / 1e6, latency.getValueAtPercentile(90) / 1e6,
                latency.getValueAtPercentile(99) / 1e6, latency.getMaxValue() / 1e6);
        results.put("deliveryP50Millis", latency.getValueAtPercentile(50) / 1e6);
        results.put("deliveryP99Millis", latency.getValueAtPercentile(99) / 1e6);
    }

    /** Stanzas node 1 has handed its packet router for other nodes: acknowledged, in flight or handed back. */
    private static long routerEntries(ClusterNodes nodes) {
        org.skein.hazelcast.routing.RouterFigures.Destination total = nodes.routerFigures(0).sentTotal();
        return total.sent() + total.queued() + total.failed();
    }

    private static void awaitDelivered(AtomicLong delivered, long expected) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (delivered.get() < expected) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + delivered.get() + " of " + expected + " notifications arrived in 120 s");
            }
            LockSupport.parkNanos(20_000);
        }
    }

    /** The publishing node must see every subscriber's route before the run (the fan-out reads them). */
    private static void awaitRoutes(XmppServer publisher, List<LoadClient> clients) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (LoadClient client : clients) {
            JID jid = new JID(client.jid());
            while (publisher.routingTable().clientRoute(jid) == null) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the route of " + jid + " did not reach the publishing node");
                }
                Thread.sleep(10);
            }
        }
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
}
