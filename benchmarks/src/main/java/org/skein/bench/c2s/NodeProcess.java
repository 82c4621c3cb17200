package org.skein.bench.c2s;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A {@link BenchNode} in a child JVM, with the same class path as this one; deleted with its home on close. */
final class NodeProcess implements NodeHandle {

    private final Process process;
    private final BufferedReader out;
    private final PrintWriter in;
    private final Path home;
    private final int port;

    NodeProcess(String heap, List<String> config) throws IOException {
        this(List.of("-Xms" + heap, "-Xmx" + heap, "-XX:+UseParallelGC"), config);
    }

    /** A node with these JVM options (heap, GC) instead of a fixed heap with the parallel collector. */
    NodeProcess(List<String> jvmOptions, List<String> config) throws IOException {
        home = Files.createTempDirectory("skein-bench-node");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-Dlogback.configurationFile=" + writeQuietLogback());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(BenchNode.class.getName());
        command.add(home.toString());
        command.addAll(config);
        process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        port = Integer.parseInt(expect("PORT"));
    }

    private Path writeQuietLogback() throws IOException {
        Path file = home.resolve("logback-bench.xml");
        Files.writeString(file, "<configuration><appender name='E' class='ch.qos.logback.core.ConsoleAppender'>"
                + "<target>System.err</target><encoder><pattern>node: %-5level %logger{20} - %msg%n</pattern></encoder></appender>"
                + "<root level='WARN'><appender-ref ref='E'/></root></configuration>");
        return file;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public void createUsers(int n) throws IOException {
        command("users " + n, "OK");
    }

    @Override
    public long heapAfterGc() throws IOException {
        return Long.parseLong(command("heap", "HEAP"));
    }

    @Override
    public int sessions() throws IOException {
        return Integer.parseInt(command("sessions", "SESSIONS"));
    }

    long pid() {
        return process.pid();
    }

    /** Sends a command and returns the value after the expected reply word. */
    String command(String line, String replyWord) throws IOException {
        in.println(line);
        return expect(replyWord);
    }

    private String expect(String word) throws IOException {
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith(word)) {
                return line.substring(word.length()).trim();
            }
            if (line.startsWith("ERROR")) {
                throw new IOException("node: " + line);
            }
        }
        throw new IOException("the node process ended before answering " + word);
    }

    @Override
    public void close() throws Exception {
        try {
            in.println("quit");
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } finally {
            try (var paths = Files.walk(home)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
