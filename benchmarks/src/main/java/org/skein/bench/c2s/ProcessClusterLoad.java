package org.skein.bench.c2s;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.jivesoftware.smack.ConnectionConfiguration.SecurityMode;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.jxmpp.jid.EntityFullJid;

/**
 * Cross-node figures with the nodes as separate processes (two JVMs, each a Skein node and a Hazelcast
 * member on 127.0.0.1, {@link ClusterBenchNode}) and Smack 4.4.8 clients in this JVM over plain TCP:
 * <ul>
 *   <li>message ping-pong A -> B -> A, both on node 1 ("same node") and A on node 1, B on node 2
 *       ("cross node"): min/p50/p99/max round trip, the two measured in alternating blocks so that the
 *       machine's load hits both alike;</li>
 *   <li>one pair's throughput: A sends {@code --messages} chat messages to B as fast as Smack writes them,
 *       messages/s until B has all, same node and cross node;</li>
 *   <li>aggregate throughput: {@code --pairs} pairs at once, each sender {@code --messages}/pairs messages,
 *       all on node 1 ("one node") against senders on node 1 and receivers on node 2 ("cross node").</li>
 * </ul>
 * Options: {@code --warmup} rounds (2000), {@code --rounds} (5000), {@code --messages} (50000),
 * {@code --pairs} (50), {@code --heap} of each node (512m), {@code --smoke true} (seconds-long, tiny numbers),
 * {@code --sm true} (every client enables stream management with resumption, XEP-0198: acks both ways, and in a
 * cluster the stream management journal; compare with {@code --xmpp.sm.journal false});
 * {@code --transport hazelcast|direct} (the stanza transport between the nodes, {@code cluster.stanzaTransport}; with
 * {@code direct} both nodes get a fresh cluster secret, which the direct stream needs);
 * any other {@code --key value} whose key contains a dot is passed to both nodes as configuration.
 * After each part the stages of a crossing are printed from both nodes' meters (docs/metrics.md): time queued on
 * the sender, the send call, the batch round trip, the receiver's handling, the wait for a delivery lane, the lane's work.
 */
public final class ProcessClusterLoad {

    private static final String DOMAIN = "localhost";

    private final Map<String, String> options;
    private final PrintStream out;
    private final Map<String, Double> results = new LinkedHashMap<>();

    private ProcessClusterLoad(Map<String, String> options, PrintStream out) {
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
        return new ProcessClusterLoad(options, out).run();
    }

    private int option(String key, int normal, int smoke) {
        return Integer.parseInt(options.getOrDefault(key, String.valueOf(smoke() ? smoke : normal)));
    }

    private boolean smoke() {
        return Boolean.parseBoolean(options.getOrDefault("smoke", "false"));
    }

    private Map<String, Double> run() throws Exception {
        int warmup = option("warmup", 2000, 50);
        int rounds = option("rounds", 5000, 100);
        int messages = option("messages", 50_000, 500);
        int pairs = option("pairs", 50, 4);
        List<String> config = new java.util.ArrayList<>(options.entrySet().stream().filter(e -> e.getKey().contains("."))
                .map(e -> e.getKey() + "=" + e.getValue()).toList());
        String transport = options.get("transport");
        if (transport != null) {
            // the direct stream needs a cluster secret: both nodes get the same fresh one
            byte[] secret = new byte[32];
            new java.security.SecureRandom().nextBytes(secret);
            config.add("cluster.stanzaTransport=" + transport);
            config.add("cluster.secret=" + java.util.HexFormat.of().formatHex(secret));
        }
        out.printf("stanza transport between the nodes: %s%n", transport == null ? "the plugin's default" : transport);
        out.printf("load average at start: %s%n", loadAverage());
        int users = 4 + 2 * pairs;
        int[] memberPorts = {freePort(), freePort()};
        String members = memberPorts[0] + "," + memberPorts[1];
        String heap = options.getOrDefault("heap", "512m");
        try (Node one = new Node("node1", memberPorts[0], members, users, heap, config);
             Node two = new Node("node2", memberPorts[1], members, users, heap, config);
             Clients clients = new Clients(Boolean.parseBoolean(options.getOrDefault("sm", "false")))) {
            one.awaitPort();
            two.awaitPort();
            pingPong(clients, one, two, warmup, rounds);
            onePair(clients, one, two, messages);
            aggregate(clients, one, two, messages, pairs);
            journalMeters(one, two);
        }
        out.printf("load average at end: %s%n", loadAverage());
        return results;
    }

    // --- ping-pong ---

    private void pingPong(Clients clients, Node one, Node two, int warmup, int rounds) throws Exception {
        try (Echo same = new Echo(clients.login(one, 0), clients.login(one, 1));
             Echo cross = new Echo(clients.login(one, 2), clients.login(two, 3))) {
            same.rounds(warmup, null);
            cross.rounds(warmup, null);
            routerMeters(one, two, "after the warm-up");
            pingPong(same, cross, rounds);
        }
        routerMeters(one, two, "after ping-pong");
    }

    private void pingPong(Echo same, Echo cross, int rounds) throws Exception {
        Histogram sameNode = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        Histogram crossNode = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        int blocks = 10;
        for (int b = 0; b < blocks; b++) {
            same.rounds(rounds / blocks, sameNode);
            cross.rounds(rounds / blocks, crossNode);
        }
        report("ping-pong same node", sameNode);
        report("ping-pong cross node", crossNode);
        results.put("pingpong.ratio.p50", crossNode.getValueAtPercentile(50) / (double) sameNode.getValueAtPercentile(50));
        out.printf("  cross/same p50 ratio %.2f%n", results.get("pingpong.ratio.p50"));
    }

    private void report(String name, Histogram h) {
        double min = h.getMinValue() / 1e6, p50 = h.getValueAtPercentile(50) / 1e6, p99 = h.getValueAtPercentile(99) / 1e6,
                max = h.getMaxValue() / 1e6;
        out.printf("%-24s rounds %d  min %.3f  p50 %.3f  p99 %.3f  max %.3f ms%n", name, h.getTotalCount(), min, p50, p99, max);
        String key = name.replace(' ', '.');
        results.put(key + ".min", min);
        results.put(key + ".p50", p50);
        results.put(key + ".p99", p99);
    }

    /** A pinging A and an echoing B; {@link #close()} takes the listeners off again. */
    private static final class Echo implements AutoCloseable {
        private final XMPPTCPConnection a;
        private final XMPPTCPConnection b;
        private final EntityFullJid bJid;
        private final Semaphore answered = new Semaphore(0);
        private final org.jivesoftware.smack.StanzaListener echo;
        private final org.jivesoftware.smack.StanzaListener answer;

        Echo(XMPPTCPConnection a, XMPPTCPConnection b) {
            this.a = a;
            this.b = b;
            this.bJid = b.getUser();
            EntityFullJid aJid = a.getUser();
            echo = stanza -> b.sendStanza(b.getStanzaFactory().buildMessageStanza().to(aJid)
                    .ofType(Message.Type.chat).setBody("pong").build());
            answer = stanza -> answered.release();
            b.addSyncStanzaListener(echo, stanza -> stanza instanceof Message m && "ping".equals(m.getBody()));
            a.addSyncStanzaListener(answer, stanza -> stanza instanceof Message m && "pong".equals(m.getBody()));
        }

        void rounds(int n, Histogram into) throws Exception {
            for (int i = 0; i < n; i++) {
                Message ping = a.getStanzaFactory().buildMessageStanza().to(bJid).ofType(Message.Type.chat).setBody("ping").build();
                long start = System.nanoTime();
                a.sendStanza(ping);
                if (!answered.tryAcquire(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("no answer to ping " + i + " within 30 s");
                }
                long rtt = System.nanoTime() - start;
                if (into != null) {
                    into.recordValue(Math.min(rtt, into.getHighestTrackableValue()));
                }
            }
        }

        @Override
        public void close() {
            b.removeSyncStanzaListener(echo);
            a.removeSyncStanzaListener(answer);
        }
    }

    // --- throughput ---

    private void onePair(Clients clients, Node one, Node two, int messages) throws Exception {
        flood(List.of(clients.login(one, 0)), List.of(clients.login(one, 1)), messages, "one pair same node (warm-up)");
        double same = flood(List.of(clients.login(one, 0)), List.of(clients.login(one, 1)), messages, "one pair same node");
        flood(List.of(clients.login(one, 2)), List.of(clients.login(two, 3)), messages, "one pair cross node (warm-up)");
        double cross = flood(List.of(clients.login(one, 2)), List.of(clients.login(two, 3)), messages, "one pair cross node");
        results.put("pair.same", same);
        results.put("pair.cross", cross);
        routerMeters(one, two, "after one pair");
    }

    private void aggregate(Clients clients, Node one, Node two, int messages, int pairs) throws Exception {
        List<XMPPTCPConnection> senders = new ArrayList<>();
        List<XMPPTCPConnection> sameReceivers = new ArrayList<>();
        List<XMPPTCPConnection> crossReceivers = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            senders.add(clients.login(one, 4 + i));
            sameReceivers.add(clients.login(one, 4 + pairs + i, "same"));
            crossReceivers.add(clients.login(two, 4 + pairs + i, "cross"));
        }
        flood(senders, sameReceivers, messages, pairs + " pairs one node (warm-up)");
        double single = flood(senders, sameReceivers, messages, pairs + " pairs one node");
        flood(senders, crossReceivers, messages, pairs + " pairs cross node (warm-up)");
        double cross = flood(senders, crossReceivers, messages, pairs + " pairs cross node");
        results.put("aggregate.single", single);
        results.put("aggregate.cross", cross);
        out.printf("  cross/one node %.0f%%%n", 100 * cross / single);
        routerMeters(one, two, "after " + pairs + " pairs");
    }

    /** Each sender sends its share of {@code messages} to its receiver as fast as it can; messages/s until all arrived. */
    private double flood(List<XMPPTCPConnection> senders, List<XMPPTCPConnection> receivers, int messages, String name)
            throws Exception {
        int each = Math.max(1, messages / senders.size());
        int total = each * senders.size();
        String tag = "f" + System.nanoTime() + "-";
        CountDownLatch all = new CountDownLatch(total);
        AtomicLong lastArrival = new AtomicLong();
        List<org.jivesoftware.smack.StanzaListener> listeners = new ArrayList<>();
        for (XMPPTCPConnection receiver : receivers) {
            org.jivesoftware.smack.StanzaListener listener = stanza -> {
                lastArrival.set(System.nanoTime());
                all.countDown();
            };
            receiver.addSyncStanzaListener(listener, stanza -> stanza instanceof Message m && m.getBody() != null
                    && m.getBody().startsWith(tag));
            listeners.add(listener);
        }
        ExecutorService threads = Executors.newFixedThreadPool(senders.size());
        try {
            long start = System.nanoTime();
            List<Future<?>> sending = new ArrayList<>();
            for (int s = 0; s < senders.size(); s++) {
                XMPPTCPConnection sender = senders.get(s);
                EntityFullJid to = receivers.get(s).getUser();
                sending.add(threads.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        sender.sendStanza(sender.getStanzaFactory().buildMessageStanza().to(to).ofType(Message.Type.chat)
                                .setBody(tag + i).build());
                    }
                    return null;
                }));
            }
            for (Future<?> f : sending) {
                f.get(10, TimeUnit.MINUTES);
            }
            if (!all.await(10, TimeUnit.MINUTES)) {
                throw new IllegalStateException(name + ": " + all.getCount() + " of " + total + " messages did not arrive");
            }
            double rate = total / ((lastArrival.get() - start) / 1e9);
            out.printf("%-36s %,d messages  %,.0f msg/s%n", name, total, rate);
            return rate;
        } finally {
            threads.shutdownNow();
            for (int i = 0; i < receivers.size(); i++) {
                receivers.get(i).removeSyncStanzaListener(listeners.get(i));
            }
        }
    }

    // --- the stages of a crossing, from both nodes' meters ---

    /** The stage meters, in the order of a stanza's path (sender, then receiver). */
    private static final List<String> STAGES = List.of("skein_cluster_stanza_queued_seconds", "skein_cluster_batch_send_seconds",
            "skein_cluster_batch_roundtrip_seconds", "skein_cluster_batch_handling_seconds", "skein_cluster_inbound_wait_seconds",
            "skein_cluster_inbound_delivery_seconds", "skein_cluster_batch_stanzas");
    private static final Pattern SAMPLE = Pattern.compile("(?m)^(skein_cluster_[a-z_]+?)_(sum|count|bucket)\\{([^}]*)\\} (\\S+)$");
    private static final Pattern LE = Pattern.compile("le=\"([^\"]+)\"");
    private final Map<String, Double> lastMeters = new HashMap<>();

    /** What the stream management journals wrote in the whole run (none without {@code --sm true} or with the journal off). */
    private void journalMeters(Node one, Node two) throws IOException {
        for (Node node : List.of(one, two)) {
            StringBuilder line = new StringBuilder("  sm journal " + node.name + ":");
            for (String text : node.metrics().split("\n")) {
                if (text.startsWith("skein_sm_journal_")) {
                    line.append(' ').append(text);
                }
            }
            out.println(line);
        }
    }

    private void routerMeters(Node one, Node two, String when) throws IOException {
        out.printf("  stages %s (per node: mean / approx. p50 from the histogram buckets, in ms; batch sizes in stanzas)%n", when);
        for (Node node : List.of(one, two)) {
            Map<String, Double> now = new HashMap<>();
            Matcher m = SAMPLE.matcher(node.metrics());
            while (m.find()) {
                if (!STAGES.contains(m.group(1)) || m.group(3).contains("direction=\"received\"")) {
                    continue;
                }
                String key = node.name + " " + m.group(1) + " " + m.group(2);
                if (m.group(2).equals("bucket")) {
                    Matcher le = LE.matcher(m.group(3));
                    key += " " + (le.find() ? le.group(1) : "?");
                }
                now.merge(key, Double.parseDouble(m.group(4)), Double::sum);
            }
            StringBuilder line = new StringBuilder("    " + node.name + ":");
            for (String stage : STAGES) {
                String prefix = node.name + " " + stage + " ";
                double count = delta(now, prefix + "count");
                if (count <= 0) {
                    continue;
                }
                double scale = stage.endsWith("_seconds") ? 1000 : 1;
                double mean = scale * delta(now, prefix + "sum") / count;
                double p50 = Double.NaN;
                List<Double> bounds = now.keySet().stream().filter(k -> k.startsWith(prefix + "bucket "))
                        .map(k -> k.substring((prefix + "bucket ").length())).filter(le -> !le.equals("+Inf"))
                        .map(Double::parseDouble).sorted().toList();
                for (double bound : bounds) {
                    String k = now.keySet().stream().filter(x -> x.startsWith(prefix + "bucket ")
                            && !x.endsWith("+Inf") && Double.parseDouble(x.substring((prefix + "bucket ").length())) == bound)
                            .findFirst().orElseThrow();
                    if (delta(now, k) >= count / 2) {
                        p50 = scale * bound;
                        break;
                    }
                }
                line.append(String.format(" %s %.3f/<=%.3f (%,.0f)", stage.replace("skein_cluster_", "").replace("_seconds", ""),
                        mean, p50, count));
            }
            lastMeters.putAll(now);
            out.println(line);
        }
    }

    private double delta(Map<String, Double> now, String name) {
        return now.getOrDefault(name, 0.0) - lastMeters.getOrDefault(name, 0.0);
    }

    // --- clients and nodes ---

    /** Sockets with Nagle's algorithm off, as an interactive client has them (Smack leaves the default on). */
    private static final javax.net.SocketFactory NO_DELAY = new javax.net.SocketFactory() {
        @Override
        public java.net.Socket createSocket() throws IOException {
            java.net.Socket socket = new java.net.Socket();
            socket.setTcpNoDelay(true);
            return socket;
        }

        @Override
        public java.net.Socket createSocket(String host, int port) throws IOException {
            return connected(new java.net.InetSocketAddress(host, port));
        }

        @Override
        public java.net.Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return connected(new java.net.InetSocketAddress(host, port));
        }

        @Override
        public java.net.Socket createSocket(InetAddress host, int port) throws IOException {
            return connected(new java.net.InetSocketAddress(host, port));
        }

        @Override
        public java.net.Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
            return connected(new java.net.InetSocketAddress(address, port));
        }

        private java.net.Socket connected(java.net.InetSocketAddress to) throws IOException {
            java.net.Socket socket = createSocket();
            socket.connect(to);
            return socket;
        }
    };

    /** Smack clients, logged in once per (node, account, resource) and reused; all disconnected on close. */
    private static final class Clients implements AutoCloseable {
        /** Whether the clients enable stream management with resumption (XEP-0198; what the journal keeps). */
        private final boolean streamManagement;

        Clients(boolean streamManagement) {
            this.streamManagement = streamManagement;
        }

        private final Map<String, XMPPTCPConnection> made = new HashMap<>();

        XMPPTCPConnection login(Node node, int user) throws Exception {
            return login(node, user, "bench");
        }

        XMPPTCPConnection login(Node node, int user, String resource) throws Exception {
            String key = node.name + "/" + user + "/" + resource;
            XMPPTCPConnection existing = made.get(key);
            if (existing != null) {
                return existing;
            }
            XMPPTCPConnection connection = new XMPPTCPConnection(XMPPTCPConnectionConfiguration.builder()
                    .setXmppDomain(DOMAIN)
                    .setHostAddress(InetAddress.getByName("127.0.0.1"))
                    .setPort(node.port)
                    .setSecurityMode(SecurityMode.disabled)
                    .setUsernameAndPassword("bench" + user, "bench")
                    .setResource(resource)
                    .setSendPresence(true)
                    .setSocketFactory(NO_DELAY)
                    .build());
            connection.setReplyTimeout(30_000);
            Roster.getInstanceFor(connection).setRosterLoadedAtLogin(false);
            connection.setUseStreamManagement(streamManagement);
            connection.setUseStreamManagementResumption(streamManagement);
            connection.connect().login();
            made.put(key, connection);
            return connection;
        }

        @Override
        public void close() {
            made.values().forEach(XMPPTCPConnection::disconnect);
        }
    }

    /** A {@link ClusterBenchNode} process; its home is deleted on close. */
    private static final class Node implements AutoCloseable {
        private final String name;
        private final Path home;
        private final Process process;
        private final BufferedReader stdout;
        private final PrintWriter stdin;
        private int port;

        Node(String name, int memberPort, String members, int users, String heap, List<String> config) throws IOException {
            this.name = name;
            this.home = Files.createTempDirectory("skein-bench-" + name);
            Path logback = home.resolve("logback-bench.xml");
            Files.writeString(logback, "<configuration><appender name='E' class='ch.qos.logback.core.ConsoleAppender'>"
                    + "<target>System.err</target><encoder><pattern>" + name + ": %-5level %logger{20} - %msg%n</pattern></encoder>"
                    + "</appender><root level='WARN'><appender-ref ref='E'/></root></configuration>");
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xms" + heap, "-Xmx" + heap, "-XX:+UseParallelGC", "-Djava.net.preferIPv4Stack=true",
                    "-Dhazelcast.phone.home.enabled=false", "-Dlogback.configurationFile=" + logback,
                    "-cp", System.getProperty("java.class.path"), ClusterBenchNode.class.getName(),
                    home.toString(), name, String.valueOf(memberPort), members, String.valueOf(users)));
            command.addAll(config);
            process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            stdin = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        }

        void awaitPort() throws IOException {
            port = Integer.parseInt(expect("PORT"));
        }

        synchronized String metrics() throws IOException {
            stdin.println("metrics");
            StringBuilder text = new StringBuilder();
            String line;
            while ((line = stdout.readLine()) != null && !line.equals("END")) {
                text.append(line).append('\n');
            }
            return text.toString();
        }

        private String expect(String word) throws IOException {
            String line;
            while ((line = stdout.readLine()) != null) {
                if (line.startsWith(word)) {
                    return line.substring(word.length()).trim();
                }
            }
            throw new IOException(name + " ended before it printed " + word);
        }

        @Override
        public void close() throws Exception {
            try {
                stdin.println("quit");
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } finally {
                try (Stream<Path> files = Files.walk(home)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim() + " (" + Runtime.getRuntime().availableProcessors() + " cores)";
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static int freePort() throws IOException {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = java.util.concurrent.ThreadLocalRandom.current().nextInt(10_000, 30_000);
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
                return port;
            } catch (IOException e) {
                // taken
            }
        }
        throw new IOException("no free port");
    }
}
