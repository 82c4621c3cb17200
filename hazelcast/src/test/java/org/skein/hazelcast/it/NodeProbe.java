package org.skein.hazelcast.it;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.skein.plugin.PluginJarBuilder;

/**
 * A plugin that lets a test ask a node running in its own JVM what it sees, built from source at test
 * time. The test writes a fresh request id to {@code probe-request} in the node's home; within 50 ms the
 * plugin answers in {@code probe-answer} (written atomically) with that id and: the cluster members,
 * this node's and the cluster's session counts as {@code SessionManager.getUserSessionsCount} returns
 * them, and the entries of the clustered caches {@code routes.users}, {@code routes.sessions} and
 * {@code sessions.info}: the keys the cache holds, each value read with {@code get} as the node's
 * routing reads it (through a near cache where the cache has one). The node does the work only when
 * asked, so the probe adds no load (and no cluster tasks) between questions.
 */
final class NodeProbe {

    private static final String REQUEST = "probe-request";
    private static final String ANSWER = "probe-answer";

    private NodeProbe() {
    }

    /** What one node answered. */
    record Answer(String node, List<String> members, boolean clustered, int localSessions, int clusterSessions,
                  Map<String, Route> routes, Map<String, Set<String>> userSessions, Map<String, String> sessionInfoNodes,
                  int journalEntries, String text) {

        /**
         * Entries that name this node: routes and session infos it owns, and bare JIDs that list a full
         * JID routed to it. (A bare JID listing a full JID with no route at all cannot be told apart.)
         */
        List<String> entriesOf(String node) {
            Set<String> found = new TreeSet<>();
            routes.forEach((full, route) -> {
                if (route.node().equals(node)) {
                    found.add("routes.users " + full);
                }
            });
            sessionInfoNodes.forEach((full, owner) -> {
                if (owner.equals(node)) {
                    found.add("sessions.info " + full);
                }
            });
            userSessions.forEach((bare, fulls) -> {
                for (String full : fulls) {
                    Route route = routes.get(full);
                    if (route != null && route.node().equals(node)) {
                        found.add("routes.sessions " + bare + " -> " + full);
                    }
                }
            });
            return List.copyOf(found);
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** A {@code routes.users} value. */
    record Route(String node, boolean available, int priority) {
    }

    /** Asks the node in {@code home} and waits for its answer. */
    static Answer ask(Path home, Duration timeout) {
        String id = UUID.randomUUID().toString();
        try {
            Path temporary = home.resolve(REQUEST + ".tmp");
            Files.writeString(temporary, id);
            Files.move(temporary, home.resolve(REQUEST), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        AtomicReference<String> answer = new AtomicReference<>();
        await().atMost(timeout).pollInterval(Duration.ofMillis(25))
                .alias("the probe of " + home.getFileName() + " answers")
                .until(() -> {
                    String text = read(home.resolve(ANSWER));
                    if (text.startsWith("id=" + id + "\n")) {
                        answer.set(text);
                        return true;
                    }
                    return false;
                });
        return parse(answer.get());
    }

    private static String read(Path file) throws IOException {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            return "";
        }
    }

    static Answer parse(String text) {
        Map<String, String> values = new HashMap<>();
        Map<String, Route> routes = new HashMap<>();
        Map<String, Set<String>> users = new HashMap<>();
        Map<String, String> info = new HashMap<>();
        for (String line : text.split("\n")) {
            String[] words = line.split(" ");
            switch (words[0]) {
                case "route" -> routes.put(words[1], new Route(words[2], Boolean.parseBoolean(words[3]), Integer.parseInt(words[4])));
                case "user" -> users.put(words[1], new TreeSet<>(words.length > 2 ? Arrays.asList(words[2].split(",")) : List.of()));
                case "info" -> info.put(words[1], words[2]);
                default -> {
                    int equals = line.indexOf('=');
                    if (equals > 0) {
                        values.put(line.substring(0, equals), line.substring(equals + 1));
                    }
                }
            }
        }
        if (values.containsKey("error")) {
            throw new AssertionError("the probe of node " + values.get("node") + " failed: " + values.get("error"));
        }
        String members = values.getOrDefault("members", "");
        return new Answer(values.get("node"), members.isEmpty() ? List.of() : List.of(members.split(",")),
                Boolean.parseBoolean(values.get("clustered")), Integer.parseInt(values.get("sessions.local")),
                Integer.parseInt(values.get("sessions.cluster")), routes, users, info,
                Integer.parseInt(values.getOrDefault("journal.entries", "0")), text);
    }

    static PluginJarBuilder jar() {
        return PluginJarBuilder.plugin("test.nodeprobe.NodeProbePlugin", "Node probe")
                .version("1.0")
                .javaSource("test.nodeprobe.NodeProbePlugin", """
                        package test.nodeprobe;

                        import java.nio.file.Files;
                        import java.nio.file.Path;
                        import java.nio.file.StandardCopyOption;
                        import java.util.Set;
                        import java.util.TreeSet;
                        import java.util.concurrent.Executors;
                        import java.util.concurrent.ScheduledExecutorService;
                        import java.util.concurrent.TimeUnit;
                        import java.util.stream.Collectors;
                        import org.skein.ServerContext;
                        import org.skein.cache.Cache;
                        import org.skein.plugin.Plugin;
                        import org.skein.plugin.PluginContext;
                        import org.skein.routing.ClientRoute;
                        import org.skein.routing.RoutingTable;
                        import org.skein.session.SessionInfo;
                        import org.skein.session.SessionManager;

                        public class NodeProbePlugin implements Plugin {
                            private ServerContext node;
                            private ScheduledExecutorService poller;
                            private String answered = "";

                            @Override
                            public void initializePlugin(PluginContext context) {
                                node = context.server();
                                poller = Executors.newSingleThreadScheduledExecutor(r -> {
                                    Thread t = new Thread(r, "node-probe");
                                    t.setDaemon(true);
                                    return t;
                                });
                                poller.scheduleWithFixedDelay(this::poll, 0, 50, TimeUnit.MILLISECONDS);
                            }

                            private void poll() {
                                Path home = node.homeDirectory();
                                Path request = home.resolve("probe-request");
                                String id;
                                try {
                                    if (!Files.exists(request)) {
                                        return;
                                    }
                                    id = Files.readString(request).trim();
                                } catch (Exception e) {
                                    return; // being replaced: read it next time
                                }
                                if (id.isEmpty() || id.equals(answered)) {
                                    return;
                                }
                                String text;
                                try {
                                    text = answer(id);
                                } catch (Exception e) {
                                    text = "id=" + id + "\\nnode=" + node.nodeId() + "\\nerror=" + e.toString().replace('\\n', ' ') + "\\n";
                                }
                                try {
                                    Path temporary = home.resolve("probe-answer.tmp");
                                    Files.writeString(temporary, text);
                                    Files.move(temporary, home.resolve("probe-answer"), StandardCopyOption.REPLACE_EXISTING,
                                            StandardCopyOption.ATOMIC_MOVE);
                                    answered = id;
                                } catch (Exception e) {
                                    // try again next time
                                }
                            }

                            private String answer(String id) {
                                StringBuilder text = new StringBuilder();
                                text.append("id=").append(id).append('\\n');
                                text.append("node=").append(node.nodeId()).append('\\n');
                                text.append("clustered=").append(node.clusterManager().isClusteringStarted()).append('\\n');
                                text.append("members=").append(node.clusterManager().getNodesInfo().stream()
                                        .map(info -> info.nodeId().value()).sorted().collect(Collectors.joining(","))).append('\\n');
                                SessionManager sessions = node.sessionManager();
                                text.append("sessions.local=").append(sessions.getUserSessionsCount(true)).append('\\n');
                                text.append("sessions.cluster=").append(sessions.getUserSessionsCount(false)).append('\\n');
                                // the keys from the cache, each value with get(): what the node's routing reads
                                Cache<String, ClientRoute> routes = node.cacheFactory()
                                        .<String, ClientRoute>getCache(RoutingTable.USERS_CACHE).orElseThrow();
                                for (String key : new TreeSet<>(routes.keySet())) {
                                    ClientRoute route = routes.get(key);
                                    if (route != null) {
                                        text.append("route ").append(key).append(' ').append(route.node().value()).append(' ')
                                                .append(route.available()).append(' ').append(route.priority()).append('\\n');
                                    }
                                }
                                Cache<String, Set<String>> users = node.cacheFactory()
                                        .<String, Set<String>>getCache(RoutingTable.SESSIONS_CACHE).orElseThrow();
                                for (String key : new TreeSet<>(users.keySet())) {
                                    Set<String> fulls = users.get(key);
                                    if (fulls != null) {
                                        text.append("user ").append(key).append(' ')
                                                .append(String.join(",", new TreeSet<>(fulls))).append('\\n');
                                    }
                                }
                                Cache<String, SessionInfo> info = node.cacheFactory()
                                        .<String, SessionInfo>getCache(SessionManager.INFO_CACHE).orElseThrow();
                                for (String key : new TreeSet<>(info.keySet())) {
                                    SessionInfo value = info.get(key);
                                    if (value != null) {
                                        text.append("info ").append(key).append(' ').append(value.node().value()).append('\\n');
                                    }
                                }
                                // the stream management journal's entries (unacknowledged stanzas of resumable sessions)
                                node.cacheFactory().<String, String>getCache("sm.journal")
                                        .ifPresent(journal -> text.append("journal.entries=").append(journal.size()).append('\\n'));
                                return text.toString();
                            }

                            @Override
                            public void destroyPlugin() {
                                poller.shutdownNow();
                            }
                        }
                        """);
    }
}
