package org.skein.hazelcast.it;

import org.skein.plugin.PluginJarBuilder;

/**
 * A small plugin for nodes that run in their own JVM, built from source at test time: it keeps a
 * clustered cache where every node says hello when it joins, and writes what its node sees to files
 * in the node's home every 100 ms, so the test can watch the node from outside: members and cluster
 * events to {@code probe.txt}, the cache's content to {@code probe-cache.txt}. The two are written by
 * separate threads because reading a clustered map waits while a partition owner is frozen (until
 * the cluster drops it), and that wait must not hold back the record of membership events.
 */
final class ProbePlugin {

    private ProbePlugin() {
    }

    static PluginJarBuilder jar() {
        return PluginJarBuilder.plugin("test.probe.ProbePlugin", "Probe")
                .version("1.0")
                .javaSource("test.probe.ProbePlugin", """
                        package test.probe;

                        import java.nio.file.Files;
                        import java.nio.file.Path;
                        import java.nio.file.StandardCopyOption;
                        import java.util.List;
                        import java.util.TreeMap;
                        import java.util.concurrent.CopyOnWriteArrayList;
                        import java.util.concurrent.Executors;
                        import java.util.concurrent.ScheduledExecutorService;
                        import java.util.concurrent.TimeUnit;
                        import java.util.stream.Collectors;
                        import org.skein.ServerContext;
                        import org.skein.cache.Cache;
                        import org.skein.cluster.ClusterEventListener;
                        import org.skein.cluster.NodeID;
                        import org.skein.plugin.Plugin;
                        import org.skein.plugin.PluginContext;

                        public class ProbePlugin implements Plugin, ClusterEventListener {
                            private final List<String> events = new CopyOnWriteArrayList<>();
                            private ServerContext node;
                            private Cache<String, String> cache;
                            private ScheduledExecutorService writer;
                            private ScheduledExecutorService cacheWriter;

                            @Override
                            public void initializePlugin(PluginContext context) {
                                node = context.server();
                                cache = context.cacheFactory().createCache("probe");
                                cache.put("hello-" + node.nodeId(), "from " + node.nodeId());
                                context.clusterManager().addListener(this);
                                writer = Executors.newSingleThreadScheduledExecutor(r -> {
                                    Thread t = new Thread(r, "probe-writer");
                                    t.setDaemon(true);
                                    return t;
                                });
                                writer.scheduleWithFixedDelay(this::writeMembers, 0, 100, TimeUnit.MILLISECONDS);
                                cacheWriter = Executors.newSingleThreadScheduledExecutor(r -> {
                                    Thread t = new Thread(r, "probe-cache-writer");
                                    t.setDaemon(true);
                                    return t;
                                });
                                cacheWriter.scheduleWithFixedDelay(this::writeCache, 0, 100, TimeUnit.MILLISECONDS);
                            }

                            private void writeMembers() {
                                String members = node.clusterManager().getNodesInfo().stream()
                                        .map(info -> info.nodeId().value()).sorted().collect(Collectors.joining(","));
                                write("probe.txt", "members=" + members + "\\nevents=" + String.join(",", events) + "\\n");
                            }

                            private void writeCache() {
                                try {
                                    write("probe-cache.txt", "cache=" + new TreeMap<>(cache) + "\\n");
                                } catch (RuntimeException e) {
                                    // the node may be joining or leaving; read again next time
                                }
                            }

                            private void write(String name, String text) {
                                try {
                                    Path file = node.homeDirectory().resolve(name);
                                    Path temporary = node.homeDirectory().resolve(name + ".tmp");
                                    Files.writeString(temporary, text);
                                    Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                                } catch (Exception e) {
                                    // write again next time
                                }
                            }

                            @Override
                            public void joinedCluster() {
                                events.add("joined");
                                cache.put("hello-" + node.nodeId(), "from " + node.nodeId());
                            }

                            @Override
                            public void joinedCluster(NodeID other) {
                                events.add("joined(" + other + ")");
                            }

                            @Override
                            public void leftCluster() {
                                events.add("left");
                            }

                            @Override
                            public void leftCluster(NodeID other) {
                                events.add("left(" + other + ")@" + System.currentTimeMillis());
                            }

                            @Override
                            public void destroyPlugin() {
                                node.clusterManager().removeListener(this);
                                writer.shutdownNow();
                                cacheWriter.shutdownNow();
                            }
                        }
                        """);
    }
}
