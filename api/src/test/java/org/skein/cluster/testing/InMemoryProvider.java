package org.skein.cluster.testing;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.skein.cluster.ClusterException;
import org.skein.cluster.spi.ClusterMember;
import org.skein.cluster.spi.ClusteringProvider;
import org.skein.cluster.spi.MemberContext;

/**
 * One node's door into an {@link InMemoryCluster}: a {@link ClusteringProvider} that makes the node a
 * member when its cluster manager joins. Further parts (the server's packet router part) are added with
 * {@link #withPart}. A test can hold joins back ({@link #holdJoins}) to see what happens meanwhile.
 */
public final class InMemoryProvider implements ClusteringProvider {

    private final InMemoryCluster cluster;
    private final Map<Class<?>, Function<ClusterMember, ?>> parts = new LinkedHashMap<>();
    private volatile CountDownLatch joinGate;
    private volatile CountDownLatch joinReached;
    private volatile String refusal;
    private volatile InMemoryMember current;

    InMemoryProvider(InMemoryCluster cluster) {
        this.cluster = cluster;
    }

    @Override
    public String name() {
        return "in-memory";
    }

    /** Adds a part that every member of this provider offers, made for the member when it joins. */
    public <T> InMemoryProvider withPart(Class<T> type, Function<ClusterMember, ? extends T> part) {
        parts.put(Objects.requireNonNull(type, "type"), Objects.requireNonNull(part, "part"));
        return this;
    }

    /**
     * Holds the next joins once the member is in the cluster (others see it, its node's caches are not
     * clustered yet) until {@code gate} opens; {@code reached} counts down when a join got there.
     */
    public void holdJoins(CountDownLatch reached, CountDownLatch gate) {
        this.joinReached = reached;
        this.joinGate = gate;
    }

    /** Makes the next joins fail with this reason ({@code null}: they succeed again). */
    public void refuseJoins(String reason) {
        this.refusal = reason;
    }

    /** The member this provider made last, while it is one. */
    public InMemoryMember member() {
        return current;
    }

    @Override
    public ClusterMember join(MemberContext context) {
        String refused = refusal;
        if (refused != null) {
            throw new ClusterException(refused);
        }
        InMemoryMember member = new InMemoryMember(cluster, context, parts);
        cluster.join(member);
        current = member;
        CountDownLatch gate = joinGate;
        if (gate != null) {
            joinReached.countDown();
            try {
                if (!gate.await(60, TimeUnit.SECONDS)) {
                    throw new ClusterException("the test did not release the join");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                member.leave();
                throw new ClusterException("the join was interrupted", e);
            }
        }
        return member;
    }
}
