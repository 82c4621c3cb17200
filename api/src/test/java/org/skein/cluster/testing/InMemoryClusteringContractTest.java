package org.skein.cluster.testing;

import java.util.Set;
import org.skein.cluster.spi.ClusteringProvider;

/** The protocol contract on the in-memory cluster. */
class InMemoryClusteringContractTest extends AbstractClusteringContractTest {

    private final InMemoryCluster cluster = new InMemoryCluster();

    @Override
    protected ClusteringProvider provider(String node) {
        return cluster.provider();
    }

    @Override
    protected void crash(TestCore core) {
        cluster.crash(core.nodeId());
    }

    @Override
    protected void split(Set<TestCore> side, Set<TestCore> otherSide) {
        cluster.split(Set.copyOf(side.stream().map(TestCore::nodeId).toList()));
    }

    @Override
    protected void heal() {
        cluster.heal();
    }
}
