package org.skein.hazelcast.it;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One node in a JVM of its own, started as an operator starts one
 * ({@code java -cp skein-server.jar:lib/* org.skein.Main --home <home>}) from a home prepared beforehand
 * ({@code conf/}, {@code plugins/}). Its output is appended to {@code node.log} in the home, across
 * restarts. The test asks it questions through the {@link NodeProbe} plugin, if the home has it.
 * {@link #close()} kills the process if it still runs and waits until it is gone.
 */
final class NodeProcess implements AutoCloseable {

    private static final Path SERVER_JAR = Path.of(System.getProperty("skein.server.jar", "../server/target/skein-server.jar"));
    private static final Path SERVER_LIB = Path.of(System.getProperty("skein.server.lib", "../server/target/lib"));
    private static final String JVM_ARGS = System.getProperty("skein.node.jvmArgs", "");

    private final String name;
    private final Path home;
    private Process process;
    private boolean frozen;

    NodeProcess(String name, Path home) {
        this.name = name;
        this.home = home;
    }

    String name() {
        return name;
    }

    Path home() {
        return home;
    }

    /** Starts the JVM; does not wait for the node to be up (ask its probe for that). */
    synchronized void start() {
        if (isAlive()) {
            throw new IllegalStateException("node " + name + " runs already");
        }
        List<String> command = command(home);
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The command line of a node JVM started as an operator would: {@code org.skein.Main --home HOME}. */
    static List<String> command(Path home) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx384m");
        command.add("-XX:+UseSerialGC");
        command.add("-Djava.net.preferIPv4Stack=true");
        command.add("-Dhazelcast.phone.home.enabled=false");
        for (String arg : JVM_ARGS.trim().split("\\s+")) {
            if (!arg.isEmpty()) {
                command.add(arg);
            }
        }
        command.add("-cp");
        command.add(SERVER_JAR.toAbsolutePath() + File.pathSeparator + SERVER_LIB.toAbsolutePath() + File.separator + "*");
        command.add("org.skein.Main");
        command.add("--home");
        command.add(home.toString());
        return command;
    }

    synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The process id of the running JVM. */
    synchronized long pid() {
        return process.pid();
    }

    /**
     * Freezes the JVM (SIGSTOP): every thread stops, its sockets stay open and the kernel keeps taking
     * what is sent to it, as with a node whose machine hangs or whose network path died without a FIN.
     */
    synchronized void freeze() {
        signal("STOP");
        frozen = true;
    }

    /** Lets a frozen JVM run again (SIGCONT). */
    synchronized void resume() {
        signal("CONT");
        frozen = false;
    }

    private void signal(String signal) {
        if (!isAlive()) {
            throw new IllegalStateException("node " + name + " does not run");
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
            if (!kill.waitFor(30, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed for node " + name);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling node " + name, e);
        }
    }

    /** Kills the JVM at once (SIGKILL: no shutdown hook, the kernel closes its sockets) and waits until it is gone. */
    synchronized void kill() {
        if (process == null) {
            return;
        }
        if (frozen && process.isAlive()) {
            frozen = false;
            signal("CONT"); // not needed for SIGKILL, but a frozen JVM must never be left behind
        }
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("node " + name + " (pid " + process.pid() + ") still runs 30 s after SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while killing node " + name, e);
        }
    }

    /** Asks the node's probe plugin what the node sees. */
    NodeProbe.Answer probe() {
        return probe(Duration.ofSeconds(30));
    }

    NodeProbe.Answer probe(Duration timeout) {
        return NodeProbe.ask(home, timeout);
    }

    Path log() {
        return home.resolve("node.log");
    }

    /** Copies the node's log to {@code folder/<name>.log}, if there is one. */
    void keepLog(Path folder) throws IOException {
        if (Files.exists(log())) {
            Files.createDirectories(folder);
            Files.copy(log(), folder.resolve(name + ".log"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Override
    public void close() {
        kill();
    }
}
