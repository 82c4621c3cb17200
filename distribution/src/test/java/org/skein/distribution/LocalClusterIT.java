package org.skein.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs the built distribution as a new user would, with the README's commands: the repository's
 * {@code skein-local-cluster.sh start}, {@code check}, {@code stop}, on free ports instead of
 * 5222/5280/5443/9090/5701 and in a cluster folder under {@code target/}. Checks that three node JVMs run and
 * form one cluster (the script's own wait reads the admin consoles; this test also reads each node's
 * Hazelcast member list in its log and connects to its XMPP port), that a second {@code start}
 * changes nothing, that the check passes (a message and a presence between two nodes), and that
 * {@code stop} leaves no process of those homes alive. Whatever happens, every process started from
 * the cluster folder is killed at the end.
 */
class LocalClusterIT {

    private static final Path REPOSITORY = Path.of(System.getProperty("skein.repository", "..")).toAbsolutePath().normalize();
    private static final Path SCRIPT = REPOSITORY.resolve("skein-local-cluster.sh");
    private static final Path WORK = Path.of("target", "local-cluster-it").toAbsolutePath();
    private static final Duration START_BOUND = Duration.ofMinutes(4);
    private static final List<String> NODES = List.of("node1", "node2", "node3");

    private Path clusterDir;
    private int xmppPort;
    private int adminPort;
    private int hazelcastPort;
    private int webSocketPort;
    private int webSocketTlsPort;
    private int commands;

    @BeforeEach
    void freshClusterFolder() throws IOException {
        clusterDir = WORK.resolve("cluster");
        killProcessesOf(clusterDir);
        deleteRecursively(clusterDir);
        Files.createDirectories(WORK);
        List<Integer> bases = new ArrayList<>();
        while (bases.size() < 5) {
            int base = freePortRange(3);
            if (bases.stream().noneMatch(other -> Math.abs(other - base) < 3)) {
                bases.add(base);
            }
        }
        xmppPort = bases.get(0);
        adminPort = bases.get(1);
        hazelcastPort = bases.get(2);
        webSocketPort = bases.get(3);
        webSocketTlsPort = bases.get(4);
    }

    @AfterEach
    void killWhatIsLeft() {
        killProcessesOf(clusterDir);
    }

    @Test
    void theReadmeCommandsStartThreeClusteredNodesCheckThemAndStopThem() throws Exception {
        Result start = run("start", START_BOUND);
        assertThat(start.exitCode()).as("exit code of start; output:%n%s", start.output()).isZero();
        assertThat(start.output())
                .contains("One cluster of 3 nodes")
                .contains("host 127.0.0.1  port " + xmppPort)
                .contains("host 127.0.0.1  port " + (xmppPort + 2))
                .contains("http://127.0.0.1:" + adminPort + "/")
                .contains("http://127.0.0.1:" + (adminPort + 2) + "/")
                .contains("ws://127.0.0.1:" + webSocketPort + "/xmpp-websocket")
                .contains("wss://localhost:" + (webSocketTlsPort + 2) + "/xmpp-websocket");
        Properties accounts = new Properties();
        try (var reader = Files.newBufferedReader(clusterDir.resolve("accounts.properties"))) {
            accounts.load(reader);
        }
        for (String user : List.of("alice", "bob", "carol")) {
            assertThat(start.output()).contains(user + "@localhost   password " + accounts.getProperty(user));
        }

        Map<String, Long> pids = new HashMap<>();
        for (String node : NODES) {
            long pid = Long.parseLong(Files.readString(clusterDir.resolve(node).resolve("skein.pid")).trim());
            assertThat(running(pid)).as("process of %s", node).isTrue();
            pids.put(node, pid);
        }
        // one cluster as Hazelcast itself reports it in each node's log, and every node takes clients
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            for (String node : NODES) {
                assertThat(lastMemberList(clusterDir.resolve(node).resolve("logs").resolve("skein.log")))
                        .as("the last Hazelcast member list in %s's log", node)
                        .containsExactlyInAnyOrder("127.0.0.1:" + hazelcastPort, "127.0.0.1:" + (hazelcastPort + 1),
                                "127.0.0.1:" + (hazelcastPort + 2));
            }
        });
        for (int i = 0; i < NODES.size(); i++) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), xmppPort + i), 5_000);
            }
            // and web clients: XEP-0156 discovery on the node's WebSocket port names its endpoint
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), webSocketPort + i), 5_000);
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write(("GET /.well-known/host-meta HTTP/1.1\r\nHost: 127.0.0.1:" + (webSocketPort + i)
                        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(answer).startsWith("HTTP/1.1 200")
                        .contains("href='ws://127.0.0.1:" + (webSocketPort + i) + "/xmpp-websocket'");
            }
        }

        Result again = run("start", START_BOUND);
        assertThat(again.exitCode()).as("exit code of a second start; output:%n%s", again.output()).isZero();
        for (String node : NODES) {
            assertThat(again.output()).contains(clusterDir.resolve(node) + " is already running (pid " + pids.get(node) + ")");
        }

        Result check = run("check", Duration.ofMinutes(2));

        Result stop = run("stop", Duration.ofMinutes(2));
        assertThat(stop.exitCode()).as("exit code of stop; output:%n%s", stop.output()).isZero();
        for (String node : NODES) {
            assertThat(running(pids.get(node))).as("process of %s after stop", node).isFalse();
            assertThat(clusterDir.resolve(node).resolve("skein.pid")).doesNotExist();
        }
        assertThat(processesOf(clusterDir)).as("processes started from %s", clusterDir).isEmpty();

        // both users log in to their nodes with the tool (TLS with the cluster's certificate, SCRAM)
        assertThat(check.output())
                .contains("alice@localhost on 127.0.0.1:" + xmppPort + ", bob@localhost on 127.0.0.1:" + (xmppPort + 1))
                .containsPattern("login +alice@localhost/check-\\w+ in [0-9.]+ ms")
                .containsPattern("login +bob@localhost/check-\\w+ in [0-9.]+ ms");
        // messages cross from node 1 to node 2 and back
        assertThat(check.output())
                .containsPattern("message +alice@localhost/check-\\w+ -> bob@localhost/check-\\w+ -> back: 10 round trips, first [0-9.]+ ms, median [0-9.]+ ms");
        assertThat(check.exitCode()).as("exit code of check; output:%n%s", check.output()).isZero();
        assertThat(check.output())
                .containsPattern("presence +bob@localhost/check-\\w+ -> alice@localhost/check-\\w+: \"skein check \\w+\" arrived after [0-9.]+ ms")
                .containsPattern("message +alice@localhost/check-\\w+ -> bob@localhost/check-\\w+ -> back: 10 round trips, first [0-9.]+ ms, median [0-9.]+ ms")
                .contains("OK: messages and presence went both ways between 127.0.0.1:" + xmppPort + " and 127.0.0.1:" + (xmppPort + 1));
    }

    private record Result(int exitCode, String output) {
    }

    /** Runs {@code skein-local-cluster.sh COMMAND} as the README says, on this test's ports and folder. */
    private Result run(String command, Duration bound) throws IOException, InterruptedException {
        Path log = WORK.resolve(String.format("%02d-%s.log", ++commands, command));
        ProcessBuilder builder = new ProcessBuilder("bash", SCRIPT.toString(), command)
                .directory(REPOSITORY.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("SKEIN_CLUSTER_DIR", clusterDir.toString());
        env.put("SKEIN_XMPP_PORT", Integer.toString(xmppPort));
        env.put("SKEIN_ADMIN_PORT", Integer.toString(adminPort));
        env.put("SKEIN_HAZELCAST_PORT", Integer.toString(hazelcastPort));
        env.put("SKEIN_WEBSOCKET_PORT", Integer.toString(webSocketPort));
        env.put("SKEIN_WEBSOCKET_TLS_PORT", Integer.toString(webSocketTlsPort));
        // the distribution was just built by this reactor: never build again from inside the build
        env.put("SKEIN_BUILD", "never");
        env.put("JAVA_HOME", System.getProperty("java.home"));
        long started = System.nanoTime();
        Process process = builder.start();
        if (!process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError(command + " did not finish within " + bound + "; output:\n" + Files.readString(log));
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        System.out.printf("skein-local-cluster.sh %s: exit %d after %d ms%n%s%n", command, process.exitValue(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), output);
        return new Result(process.exitValue(), output);
    }

    /** The members of the last "Members {size:N, ...} [ Member [127.0.0.1]:5701 ... ]" list in a node's log. */
    static List<String> lastMemberList(Path log) throws IOException {
        if (!Files.exists(log)) {
            return List.of();
        }
        String text = Files.readString(log, StandardCharsets.UTF_8);
        int start = text.lastIndexOf("Members {size:");
        if (start < 0) {
            return List.of();
        }
        int end = text.indexOf("]\n", text.indexOf('[', start) + 1);
        String block = end < 0 ? text.substring(start) : text.substring(start, end);
        List<String> members = new ArrayList<>();
        Matcher member = Pattern.compile("Member \\[([^\\]]+)\\]:(\\d+)").matcher(block);
        while (member.find()) {
            members.add(member.group(1) + ":" + member.group(2));
        }
        return members;
    }

    /**
     * Whether a process runs. A process that has exited but whose parent (here the system's init, as
     * the nodes are started in the background by a script that has ended) has not yet collected its
     * exit status is a zombie: it runs no code and holds no ports, so it does not count.
     */
    static boolean running(long pid) {
        if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return !stat.substring(stat.lastIndexOf(')') + 1).trim().startsWith("Z");
        } catch (IOException e) {
            return !Files.exists(Path.of("/proc", Long.toString(pid)));
        }
    }

    private static List<ProcessHandle> processesOf(Path dir) {
        String marker = dir.toString() + "/";
        return ProcessHandle.allProcesses()
                .filter(p -> p.pid() != ProcessHandle.current().pid())
                .filter(p -> p.info().commandLine().map(line -> line.contains(marker)).orElse(false))
                .toList();
    }

    private static void killProcessesOf(Path dir) {
        if (dir == null) {
            return;
        }
        List<ProcessHandle> left = processesOf(dir);
        left.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle process : left) {
            process.onExit().orTimeout(30, TimeUnit.SECONDS).exceptionally(e -> process).join();
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /**
     * The first of {@code count} consecutive free ports on 127.0.0.1, below the range the system
     * hands out for outgoing connections (a port from that range may be taken by a connection before
     * a node binds it).
     */
    static int freePortRange(int count) {
        int below = 32768;
        try {
            below = Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            // not Linux: keep the usual start of the range
        }
        for (int attempt = 0; attempt < 500; attempt++) {
            int base = ThreadLocalRandom.current().nextInt(10_000, below - count);
            boolean free = true;
            for (int port = base; port < base + count && free; port++) {
                try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
                    socket.setReuseAddress(true);
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) {
                return base;
            }
        }
        throw new UncheckedIOException(new IOException("no " + count + " consecutive free ports below " + below));
    }
}
