package org.skein.hazelcast.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.instance.impl.HazelcastInstanceProxy;
import com.hazelcast.internal.cluster.impl.ClusterServiceImpl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.io.TempDir;
import org.skein.cluster.NodeID;
import org.skein.cluster.spi.ClusteringProvider;
import org.skein.cluster.testing.AbstractClusteringContractTest;
import org.skein.cluster.testing.TestCore;
import org.skein.config.ServerConfig;
import org.skein.hazelcast.serialization.ClassAllowlist;
import org.skein.hazelcast.serialization.PluginClassResolver;

/**
 * The protocol contract on real Hazelcast members in this JVM (127.0.0.1, free ports, a cluster name of
 * its own): a crash is a terminated member, a split is every member of one side declaring the other
 * side's members dead (Hazelcast's own "suspect member" call, as its failure detector would after a
 * network cut), and the heal is Hazelcast's split-brain handler finding the other side (after 5 s).
 */
class HazelcastClusteringContractTest extends AbstractClusteringContractTest {

    private static final List<String> NAMES = List.of("a", "b", "c");

    @TempDir
    Path dir;

    private final String clusterName = "contract-" + UUID.randomUUID();
    private final Map<String, Integer> ports = new HashMap<>();
    private final Map<String, HazelcastProvider> providers = new HashMap<>();

    HazelcastClusteringContractTest() {
        for (String name : NAMES) {
            ports.put(name, OneMemberNode.freePort());
        }
    }

    @Override
    protected ClusteringProvider provider(String node) {
        Path home = dir.resolve(node);
        try {
            Files.createDirectories(home.resolve("conf"));
            Files.writeString(home.resolve("conf").resolve("hazelcast-local-config.xml"), LocalMemberConfig.xml(clusterName, ports.get(node), ports.values()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ServerConfig config = ServerConfig.inMemory(Map.of(
                "hazelcast.startup.retries", "0",
                "hazelcast.heartbeat.interval", "1s",
                "hazelcast.heartbeat.timeout", "5s",
                "hazelcast.merge.firstRunDelay", "5s",
                "hazelcast.merge.nextRunDelay", "5s",
                "cluster.task.threads", "2"));
        ClassLoader loader = getClass().getClassLoader();
        ClassAllowlist allowlist = new ClassAllowlist();
        HazelcastProvider provider = new HazelcastProvider(NodeID.of(node), config, home, Clock.systemUTC(), loader, allowlist,
                new PluginClassResolver(loader, allowlist));
        providers.put(node, provider);
        return provider;
    }


    private HazelcastInstance instance(TestCore core) {
        HazelcastInstance instance = providers.get(core.nodeId().value()).hazelcastInstance();
        if (instance == null) {
            throw new IllegalStateException(core + " is not a member");
        }
        return instance;
    }

    @Override
    protected void crash(TestCore core) {
        instance(core).getLifecycleService().terminate();
    }

    @Override
    protected void split(Set<TestCore> side, Set<TestCore> otherSide) {
        for (TestCore one : side) {
            for (TestCore other : otherSide) {
                suspect(one, other);
                suspect(other, one);
            }
        }
    }

    /** {@code core}'s member declares {@code suspected}'s member dead and closes the connection to it. */
    private void suspect(TestCore core, TestCore suspected) {
        HazelcastInstance instance = instance(core);
        ClusterServiceImpl clusterService = ((HazelcastInstanceProxy) instance).getOriginal().node.getClusterService();
        for (Member member : instance.getCluster().getMembers()) {
            if (suspected.nodeId().equals(MemberAttributes.nodeId(member))) {
                clusterService.suspectMember(member, "split brain test", true);
            }
        }
    }

    @Override
    protected void heal() {
        // Hazelcast's split-brain handler looks for the other side every 5 s and merges the smaller into the larger
    }
}
