package org.skein.bench.c2s;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.skein.XmppServer;
import org.skein.config.ServerConfig;
import org.skein.hazelcast.cluster.HazelcastProvider;
import org.skein.user.UserAlreadyExistsException;

/**
 * One clustered node in its own JVM for {@link ProcessClusterLoad}: a Skein node with the Hazelcast
 * plugin's provider (from the class path, as {@link ClusterNodes} in one JVM), a member on 127.0.0.1 at the
 * port given, joining the members listed. Creates {@code bench0..bench<n-1>} (password {@code bench}) in
 * its own database before it joins, then prints {@code PORT <c2s port>} once it sees {@code members}
 * members. Commands on standard input: {@code metrics} (prints the node's Prometheus text, then
 * {@code END}), {@code quit}.
 *
 * <p>Arguments: home, node id, member port, every member port (comma-separated), users, then {@code key=value}
 * configuration overrides.
 */
public final class ClusterBenchNode {

    private ClusterBenchNode() {
    }

    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]);
        String nodeId = args[1];
        int memberPort = Integer.parseInt(args[2]);
        String[] members = args[3].split(",");
        int users = Integer.parseInt(args[4]);
        Files.createDirectories(home.resolve("conf"));
        String list = Arrays.stream(members).map(p -> "<member>127.0.0.1:" + p + "</member>").collect(Collectors.joining());
        Files.writeString(home.resolve("conf").resolve("hazelcast-local-config.xml"), """
                <hazelcast xmlns="http://www.hazelcast.com/schema/config">
                    <cluster-name>%s</cluster-name>
                    <properties><property name="hazelcast.wait.seconds.before.join">0</property></properties>
                    <network>
                        <port auto-increment="false">%d</port>
                        <join>
                            <auto-detection enabled="false"/>
                            <multicast enabled="false"/>
                            <tcp-ip enabled="true" connection-timeout-seconds="2"><member-list>%s</member-list></tcp-ip>
                        </join>
                        <interfaces enabled="true"><interface>127.0.0.1</interface></interfaces>
                    </network>
                </hazelcast>
                """.formatted("bench-" + args[3], memberPort, list));
        Map<String, String> config = new HashMap<>();
        config.put("node.id", nodeId);
        config.put("xmpp.c2s.port", "0");
        config.put("admin.enabled", "false");
        config.put("xmpp.c2s.bindAddress", "127.0.0.1");
        config.put("xmpp.sasl.plain.allowUnencrypted", "true");
        config.put("xmpp.idleTimeout", "-1");
        config.put("xmpp.c2s.limitsExempt", "127.0.0.0/8");
        config.put("xmpp.c2s.inbound.rate", "-1"); // load clients send as fast as the node reads
        config.put("auth.scram.iterations", "64");
        config.put("cache.stats.interval", "-1");
        config.put("plugins.scanInterval", "1h");
        config.put("offline.maxPerUser", "100000");
        config.put("cache.default.maxSize", "-1");
        config.put("cache.default.maxLifetime", "-1");
        config.put("hazelcast.startup.retries", "0");
        for (int i = 5; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            config.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        XmppServer node = new XmppServer(home, ServerConfig.inMemory(config), Clock.systemUTC());
        node.start();
        for (int i = 0; i < users; i++) {
            try {
                node.userManager().createUser("bench" + i, "bench", "", "");
            } catch (UserAlreadyExistsException e) {
                // made by an earlier run
            }
        }
        HazelcastProvider provider = HazelcastProvider.onClassPath(node, ClusterBenchNode.class.getClassLoader());
        node.clusterManager().registerProvider(provider);
        if (!node.clusterManager().setClusteringEnabled(true).get()) {
            throw new IllegalStateException("node " + nodeId + " did not join");
        }
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (node.clusterManager().getNodesInfo().size() < members.length
                || !provider.hazelcastInstance().getPartitionService().isClusterSafe()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("node " + nodeId + ": the members did not meet in 120 s");
            }
            Thread.sleep(20);
        }
        System.out.println("PORT " + node.c2sPort());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            switch (line.trim()) {
                case "metrics" -> {
                    System.out.println(node.metrics().scrape());
                    System.out.println("END");
                }
                case "quit" -> {
                    node.stop();
                    System.out.println("BYE");
                    System.out.flush();
                    return;
                }
                default -> System.out.println("ERROR unknown command " + line);
            }
            System.out.flush();
        }
        node.stop();
    }
}
