package org.skein.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The cluster as each node's admin console shows it. With {@code --wait}, polls until every console
 * lists the same {@code --expect} nodes, all answering (one cluster), or the time is up.
 */
final class ClusterView {

    private static final Duration POLL = Duration.ofMillis(500);

    private final List<AdminConsoleClient> consoles;
    private final int expected;
    private final Duration wait;

    private ClusterView(List<AdminConsoleClient> consoles, int expected, Duration wait) {
        this.consoles = consoles;
        this.expected = expected;
        this.wait = wait;
    }

    static ClusterView fromOptions(Options options) throws Options.UsageException {
        List<String> urls = options.all("console");
        if (urls.isEmpty()) {
            throw new Options.UsageException("--console is missing");
        }
        Properties accounts = options.accounts();
        String user = options.required("user");
        String password = Options.password(accounts, user, options.required("accounts"));
        List<AdminConsoleClient> consoles = new ArrayList<>();
        for (String url : urls) {
            URI uri;
            try {
                uri = URI.create(url.endsWith("/") ? url : url + "/");
                if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                    throw new IllegalArgumentException();
                }
            } catch (IllegalArgumentException e) {
                throw new Options.UsageException("--console is '" + url + "', expected a URL such as http://127.0.0.1:9090");
            }
            consoles.add(new AdminConsoleClient(uri, user, password, Duration.ofSeconds(5)));
        }
        return new ClusterView(consoles, options.number("expect", urls.size(), 1, 1000), options.seconds("wait", 0));
    }

    int run(PrintStream out) throws InterruptedException {
        long started = System.nanoTime();
        long deadline = started + wait.toNanos();
        Map<AdminConsoleClient, String> views;
        while (true) {
            views = new LinkedHashMap<>();
            boolean oneCluster = true;
            TreeSet<String> first = null;
            for (AdminConsoleClient console : consoles) {
                try {
                    List<AdminConsoleClient.Node> nodes = console.nodes();
                    TreeSet<String> ids = nodes.stream().map(AdminConsoleClient.Node::id).collect(Collectors.toCollection(TreeSet::new));
                    boolean answering = nodes.stream().allMatch(AdminConsoleClient.Node::answering);
                    oneCluster &= answering && ids.size() == expected && (first == null || first.equals(ids));
                    first = first == null ? ids : first;
                    views.put(console, nodes.size() + (nodes.size() == 1 ? " node: " : " nodes: ")
                            + nodes.stream().map(Object::toString).collect(Collectors.joining(", ")));
                } catch (IOException e) {
                    oneCluster = false;
                    views.put(console, "no answer (" + e.getMessage() + ")");
                }
            }
            if (oneCluster) {
                print(out, views);
                out.printf("One cluster of %d nodes%s%n", expected,
                        wait.isZero() ? "" : String.format(java.util.Locale.ROOT, " (after %.1f s)", (System.nanoTime() - started) / 1e9));
                return SkeinTools.OK;
            }
            if (System.nanoTime() + POLL.toNanos() > deadline) {
                break;
            }
            TimeUnit.MILLISECONDS.sleep(POLL.toMillis());
        }
        print(out, views);
        out.printf("Not one cluster of %d answering nodes%s%n", expected,
                wait.isZero() ? "" : " after " + wait.toSeconds() + " s");
        return SkeinTools.FAILED;
    }

    private static void print(PrintStream out, Map<AdminConsoleClient, String> views) {
        views.forEach((console, view) -> out.printf("  %-26s sees %s%n", console.base(), view));
    }
}
