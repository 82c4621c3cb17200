package org.skein.bench.blocking;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.skein.blocking.BlockListManager;
import org.skein.blocking.BlockListStore;
import org.skein.blocking.BlockingPolicy;
import org.skein.cache.CacheFactory;
import org.skein.cluster.NodeID;
import org.skein.clustering.ClusterManager;
import org.skein.clustering.ClusterSettings;
import org.skein.clustering.NodeAttachment;
import org.skein.config.CacheSettingsResolver;
import org.skein.config.ServerConfig;
import org.skein.routing.ClientRoute;
import org.skein.routing.RoutingTable;
import org.skein.session.SessionManager;
import org.xmpp.packet.JID;

/**
 * Question: what does the XEP-0191 check add to every stanza between two users on the routing node?
 * {@code check} asks {@link BlockListManager#check} for a random pair of 2^14 users whose block lists
 * are all cached (19 in 20 empty, 1 in 20 with 50 JIDs); {@code routesOf} is what the message path
 * already does for every message to a bare JID (a route lookup in the same kind of local cache), for
 * scale. Local caches: a clustered node reads the near cache, of the same order.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-XX:+UseParallelGC"})
public class BlockingCheckBenchmark {

    static final int USERS = 1 << 14;
    static final int MASK = USERS - 1;
    static final String DOMAIN = "example.com";

    /** The {@code blocklists} cache as shipped (16MiB, 6h), or without a budget and lifetime. */
    @Param({"shipped", "unbounded"})
    public String cache;

    BlockListManager lists;
    RoutingTable routes;
    JID[] senders;
    JID[] recipients;
    String[] bareJids;
    int[] order;

    /** Block lists kept in memory, for the benchmark. */
    static final class MemoryStore implements BlockListStore {
        final Map<String, Set<String>> lists = new ConcurrentHashMap<>();

        @Override
        public Set<String> items(String username) {
            return new TreeSet<>(lists.getOrDefault(username, Set.of()));
        }

        @Override
        public void add(String username, Collection<String> jids) {
            lists.computeIfAbsent(username, u -> new TreeSet<>()).addAll(jids);
        }

        @Override
        public void remove(String username, Collection<String> jids) {
            lists.getOrDefault(username, new TreeSet<>()).removeAll(jids);
        }

        @Override
        public void clear(String username) {
            lists.remove(username);
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Map<String, String> config = cache.equals("unbounded")
                ? Map.of("cache.blocklists.maxSize", "-1", "cache.blocklists.maxLifetime", "-1") : Map.of();
        CacheFactory caches = new CacheFactory(NodeID.of("bench"), new CacheSettingsResolver(ServerConfig.inMemory(config))::resolve,
                Ticker.systemTicker());
        // a node alone; its task executor makes no thread unless a task runs (none does here)
        ClusterManager cluster = new ClusterManager(NodeID.of("bench"), ClusterSettings.inMemory(false, Duration.ofSeconds(10)),
                caches, Executors.newSingleThreadExecutor(), Clock.systemUTC(), NodeAttachment.NONE);
        routes = new RoutingTable(NodeID.of("bench"), caches);
        SessionManager sessions = new SessionManager(NodeID.of("bench"), DOMAIN, routes, caches, cluster, Clock.systemUTC());
        MemoryStore store = new MemoryStore();
        lists = new BlockListManager(DOMAIN, store, caches, routes, sessions, 1000);
        Random random = new Random(42);
        senders = new JID[USERS];
        recipients = new JID[USERS];
        bareJids = new String[USERS];
        for (int i = 0; i < USERS; i++) {
            senders[i] = new JID("user" + i, DOMAIN, "phone");
            recipients[i] = new JID("user" + i, DOMAIN, null);
            bareJids[i] = recipients[i].toBareJID();
            if (i % 20 == 0) {
                List<String> blocked = new ArrayList<>();
                for (int j = 0; j < 50; j++) {
                    blocked.add("user" + random.nextInt(USERS) + "@" + DOMAIN);
                }
                lists.block("user" + i, blocked);
            }
        }
        for (int i = 0; i < USERS; i++) {
            lists.blockList("user" + i); // all cached, as for users who are online
        }
        order = new int[USERS * 2];
        for (int i = 0; i < order.length; i++) {
            order[i] = random.nextInt(USERS);
        }
    }

    private int next;

    @Benchmark
    public BlockingPolicy.Verdict check() {
        int i = next++ & (USERS * 2 - 1);
        return lists.check(senders[order[i]], recipients[order[(i + 1) & (USERS * 2 - 1)]]);
    }

    @Benchmark
    public Object blockList() {
        int i = next++ & (USERS * 2 - 1);
        return lists.blockList(senders[order[i]].getNode());
    }

    @Benchmark
    public Map<JID, ClientRoute> routesOf() {
        int i = next++ & (USERS * 2 - 1);
        return routes.routesOf(bareJids[order[i] & MASK]);
    }
}
