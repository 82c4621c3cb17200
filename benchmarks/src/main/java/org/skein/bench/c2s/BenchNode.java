package org.skein.bench.c2s;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.skein.XmppServer;
import org.skein.config.ServerConfig;
import org.skein.user.UserAlreadyExistsException;

/**
 * A node in its own JVM for the load tool, driven by commands on standard input, one per line:
 * <ul>
 *   <li>{@code users <n>}: creates accounts {@code bench0..bench<n-1>} with password {@code bench};</li>
 *   <li>{@code heap}: three full GCs, then the used heap in bytes ({@code HEAP <bytes>});</li>
 *   <li>{@code sessions}: the number of bound sessions ({@code SESSIONS <n>});</li>
 *   <li>{@code memory}: without a GC, {@code MEMORY <heap used> <heap committed> <direct>} in bytes, where direct is
 *       what Netty counts of its direct buffers (or the JDK's direct buffer pool when Netty does not count);</li>
 *   <li>{@code offline <user>}: the messages in the user's offline storage ({@code OFFLINE <n>});</li>
 *   <li>{@code backlog}: the largest outbound backlog of a client connection so far, in bytes, and the number of
 *       connections ended by the slow-consumer policy and the pauses for the inbound rate
 *       ({@code BACKLOG <peak bytes> <stalled> <pauses>});</li>
 *   <li>{@code quit}: stops the node and exits.</li>
 * </ul>
 * Prints {@code PORT <port>} when the node listens. Arguments: the home folder, then
 * {@code key=value} configuration overrides.
 */
public final class BenchNode {

    private BenchNode() {
    }

    /** Direct memory held for buffers: Netty's own count, or the JDK's direct pool where Netty does not count. */
    static long directBytes() {
        long netty = io.netty.util.internal.PlatformDependent.usedDirectMemory();
        if (netty >= 0) {
            return netty;
        }
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                return pool.getMemoryUsed();
            }
        }
        return -1;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> config = new HashMap<>();
        config.put("xmpp.c2s.port", "0");
        config.put("admin.enabled", "false");
        config.put("xmpp.c2s.bindAddress", "127.0.0.1");
        config.put("xmpp.sasl.plain.allowUnencrypted", "true");
        config.put("xmpp.idleTimeout", "-1");
        config.put("auth.scram.iterations", "64");
        config.put("cache.stats.interval", "-1");
        config.put("plugins.scanInterval", "1h");
        config.put("offline.maxPerUser", "100000");
        for (int i = 1; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            config.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        XmppServer node = new XmppServer(Path.of(args[0]), ServerConfig.inMemory(config), Clock.systemUTC());
        node.start();
        System.out.println("PORT " + node.c2sPort());
        System.out.flush();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] command = line.trim().split("\\s+");
            switch (command[0]) {
                case "users":
                    int n = Integer.parseInt(command[1]);
                    for (int i = 0; i < n; i++) {
                        try {
                            node.userManager().createUser("bench" + i, "bench", "", "");
                        } catch (UserAlreadyExistsException e) {
                            // made by an earlier run
                        }
                    }
                    System.out.println("OK");
                    break;
                case "heap":
                    for (int i = 0; i < 3; i++) {
                        System.gc();
                    }
                    System.out.println("HEAP " + memory.getHeapMemoryUsage().getUsed());
                    break;
                case "sessions":
                    System.out.println("SESSIONS " + node.sessionManager().getUserSessionsCount(true));
                    break;
                case "memory":
                    System.out.println("MEMORY " + memory.getHeapMemoryUsage().getUsed() + " " + memory.getHeapMemoryUsage().getCommitted()
                            + " " + directBytes());
                    break;
                case "offline":
                    System.out.println("OFFLINE " + node.offlineMessageStore().count(command[1]));
                    break;
                case "backlog":
                    System.out.println("BACKLOG " + node.c2sPeakBacklogBytes() + " " + node.c2sStalledConnectionCount() + " "
                            + node.c2sInboundPauseCount());
                    break;
                case "quit":
                    node.stop();
                    System.out.println("BYE");
                    System.out.flush();
                    return;
                default:
                    System.out.println("ERROR unknown command " + command[0]);
            }
            System.out.flush();
        }
        node.stop();
    }
}
