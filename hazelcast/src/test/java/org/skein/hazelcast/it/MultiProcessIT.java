package org.skein.hazelcast.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes, each a JVM of its own started as an operator would ({@code org.skein.Main --home}),
 * with the packed plugin and a probe plugin in their plugins folders: they form one cluster and share
 * a cache; when one is frozen (SIGSTOP) the others see it leave within the failure detection bound,
 * when it thaws it merges back into the cluster (a split brain across processes), and when it is killed
 * the others see it leave at once. The nodes' logs of the last run are kept in
 * {@code target/multi-process-logs/}.
 */
class MultiProcessIT {

    /** The plugin's default heartbeat timeout is 7 s, with 1 s heartbeats; a killed node goes much sooner. */
    private static final Duration LEAVE_BOUND = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final Map<String, Process> processes = new LinkedHashMap<>();

    @AfterEach
    void killEveryNode() throws Exception {
        for (Process process : processes.values()) {
            if (process.isAlive()) {
                signal(process, "CONT"); // a frozen JVM cannot die
            }
            process.destroyForcibly();
        }
        for (Process process : processes.values()) {
            process.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(processes.values()).noneMatch(Process::isAlive);
        Path logs = Files.createDirectories(Path.of("target", "multi-process-logs"));
        for (String name : processes.keySet()) {
            Path log = dir.resolve(name).resolve("node.log");
            if (Files.exists(log)) {
                Files.copy(log, logs.resolve(name + ".log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    @Test
    void separateJvmsFormAClusterShareACacheAndSeeFrozenAndKilledNodesLeave() throws Exception {
        HazelcastNodes layout = new HazelcastNodes(dir, "p1", "p2", "p3");
        byte[] probe = ProbePlugin.jar().build();
        for (String name : List.of("p1", "p2", "p3")) {
            layout.prepareHome(name);
            Path home = layout.home(name);
            Files.write(home.resolve("plugins").resolve("probe.jar"), probe);
            // failure detection on the plugin's defaults; quicker merges than the defaults, for the thaw
            Files.writeString(home.resolve("conf").resolve("skein.properties"), """
                    node.id=%s
                    clustering.enabled=true
                    hazelcast.merge.firstRunDelay=5s
                    hazelcast.merge.nextRunDelay=5s
                    cache.stats.interval=-1
                    admin.enabled=false
                    xmpp.c2s.port=0
                    xmpp.c2s.bindAddress=127.0.0.1
                    xmpp.c2s.ioThreads=1
                    xmpp.processing.threads=2
                    """.formatted(name));
            processes.put(name, start(home));
        }
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            for (String name : List.of("p1", "p2", "p3")) {
                String seen = probe(layout.home(name));
                assertThat(seen).as("node %s", name).contains("members=p1,p2,p3\n")
                        .contains("hello-p1=from p1").contains("hello-p2=from p2").contains("hello-p3=from p3");
            }
        });

        // frozen (a long GC pause, a hung VM): its sockets stay open, only the heartbeats stop
        long frozenAt = System.currentTimeMillis();
        signal(processes.get("p3"), "STOP");
        awaitLeave(layout, List.of("p1", "p2"), "p3", frozenAt, 1);

        // thawed: it finds itself alone, then merges back into the larger side (a split brain)
        signal(processes.get("p3"), "CONT");
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            for (String name : List.of("p1", "p2", "p3")) {
                assertThat(probe(layout.home(name))).as("node %s", name).contains("members=p1,p2,p3\n")
                        .contains("hello-p1=from p1").contains("hello-p2=from p2").contains("hello-p3=from p3");
            }
            assertThat(probe(layout.home("p1"))).contains("joined(p3)");
            assertThat(probe(layout.home("p3"))).containsPattern("events=joined,.*left,.*joined");
        });

        // killed: the sockets close at once
        long killedAt = System.currentTimeMillis();
        processes.get("p3").destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        awaitLeave(layout, List.of("p1", "p2"), "p3", killedAt, 2);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (String name : List.of("p1", "p2")) {
                assertThat(probe(layout.home(name))).as("node %s", name).contains("members=p1,p2\n")
                        .contains("hello-p1=from p1").contains("hello-p2=from p2");
            }
        });
    }

    /**
     * Waits until the watchers have seen {@code gone} leave for the {@code times}th time and prints how long each
     * took. The time is reported, not asserted: on a loaded machine heartbeats are late and detection takes longer
     * than {@link #LEAVE_BOUND} (what it takes on a quiet machine is measured, see the plugin's readme).
     */
    private static void awaitLeave(HazelcastNodes layout, List<String> watchers, String gone, long since, int times) throws IOException {
        await().atMost(LEAVE_BOUND.multipliedBy(6)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            for (String name : watchers) {
                assertThat(leaveTimes(probe(layout.home(name)), gone)).as("node %s", name).hasSize(times);
            }
        });
        for (String name : watchers) {
            long took = leaveTimes(probe(layout.home(name)), gone).get(times - 1) - since;
            System.out.printf("node %s saw %s leave after %d ms (%s on a quiet machine: under %d ms)%n", name, gone, took,
                    took < LEAVE_BOUND.toMillis() ? "as" : "slower than", LEAVE_BOUND.toMillis());
        }
    }

    private static List<Long> leaveTimes(String probe, String gone) {
        List<Long> times = new ArrayList<>();
        Matcher left = Pattern.compile("left\\(" + gone + "\\)@(\\d+)").matcher(probe);
        while (left.find()) {
            times.add(Long.parseLong(left.group(1)));
        }
        return times;
    }

    private static void signal(Process process, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }

    private Process start(Path home) throws IOException {
        return new ProcessBuilder(NodeProcess.command(home))
                .redirectErrorStream(true)
                .redirectOutput(home.resolve("node.log").toFile())
                .start();
    }

    /** What the probe plugin last wrote: members and events, then the cache's content. */
    private static String probe(Path home) throws IOException {
        return read(home.resolve("probe.txt")) + read(home.resolve("probe-cache.txt"));
    }

    private static String read(Path file) throws IOException {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            return "";
        }
    }
}
