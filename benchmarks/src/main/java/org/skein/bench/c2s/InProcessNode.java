package org.skein.bench.c2s;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import org.skein.XmppServer;
import org.skein.config.ServerConfig;
import org.skein.user.UserAlreadyExistsException;

/** A node in this JVM (smoke runs; its heap readings include the load tool, so idle mode wants a child JVM). */
final class InProcessNode implements NodeHandle {

    private final Path home;
    private final XmppServer node;

    InProcessNode(Map<String, String> overrides) throws Exception {
        home = Files.createTempDirectory("skein-bench-node");
        Map<String, String> config = new HashMap<>();
        config.put("xmpp.c2s.port", "0");
        config.put("admin.enabled", "false");
        config.put("xmpp.c2s.bindAddress", "127.0.0.1");
        config.put("xmpp.sasl.plain.allowUnencrypted", "true");
        config.put("xmpp.idleTimeout", "-1");
        config.put("xmpp.c2s.limitsExempt", "127.0.0.0/8"); // every load client connects from the loopback
        config.put("xmpp.c2s.inbound.rate", "-1"); // load clients send as fast as the node reads
        config.put("auth.scram.iterations", "64");
        config.put("cache.stats.interval", "-1");
        config.put("plugins.scanInterval", "1h");
        config.put("offline.maxPerUser", "100000");
        config.putAll(overrides);
        node = new XmppServer(home, ServerConfig.inMemory(config), Clock.systemUTC());
        node.start();
    }

    @Override
    public int port() {
        return node.c2sPort();
    }

    @Override
    public void createUsers(int n) throws Exception {
        for (int i = 0; i < n; i++) {
            try {
                node.userManager().createUser("bench" + i, "bench", "", "");
            } catch (UserAlreadyExistsException e) {
                // there already
            }
        }
    }

    @Override
    public long heapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    @Override
    public int sessions() {
        return node.sessionManager().getUserSessionsCount(true);
    }

    @Override
    public void close() throws Exception {
        node.stop();
        try (var paths = Files.walk(home)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
