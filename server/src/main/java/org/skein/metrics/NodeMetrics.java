package org.skein.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.jmx.JmxConfig;
import io.micrometer.jmx.JmxMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;
import java.util.function.LongSupplier;
import org.skein.auth.LoginThrottle;
import org.skein.cache.CacheFactory;
import org.skein.cache.CacheStats;
import org.skein.clustering.ClusterManager;
import org.skein.routing.RoutingTable;
import org.skein.session.StanzaTraffic;

/**
 * The node's meters, tagged with the node id: in a Prometheus registry (served at {@code /metrics}) and,
 * when enabled, in JMX (Micrometer's JMX registry, under the domain given). Gauges and function counters
 * read the node's own state when read; the cache meters follow the caches that exist at each scrape or
 * {@link #refresh()}. Close it with the node (it stops the GC listener and unregisters the MBeans).
 */
public final class NodeMetrics implements AutoCloseable {

    /** Key of whether the meters are registered in JMX too. */
    public static final String JMX_ENABLED_KEY = "metrics.jmx.enabled";
    /** Key of the JMX domain of the meters. */
    public static final String JMX_DOMAIN_KEY = "metrics.jmx.domain";

    /** Histogram buckets of the stages of a stanza's path: 10 µs to 1 s. */
    private static final java.time.Duration[] STAGE_BUCKETS = {
        java.time.Duration.ofNanos(10_000), java.time.Duration.ofNanos(25_000), java.time.Duration.ofNanos(50_000),
        java.time.Duration.ofNanos(100_000), java.time.Duration.ofNanos(250_000), java.time.Duration.ofNanos(500_000),
        java.time.Duration.ofMillis(1), java.time.Duration.ofMillis(2), java.time.Duration.ofMillis(5), java.time.Duration.ofMillis(10),
        java.time.Duration.ofMillis(50), java.time.Duration.ofMillis(100), java.time.Duration.ofSeconds(1)};

    private final PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final CompositeMeterRegistry registry = new CompositeMeterRegistry();
    private final CacheFactory caches;
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final Map<String, CacheStats> cacheStats = new ConcurrentHashMap<>();
    private final ClusterEventMeters clusterEvents;

    /**
     * @param jmxDomain the JMX domain to register the meters under, or {@code null} for no JMX
     * @param offlineMessages how many offline messages wait in storage, for all users (read when the meter is read)
     */
    public NodeMetrics(String nodeId, RoutingTable routes, StanzaTraffic traffic, LoginThrottle logins, ClusterManager cluster,
                       CacheFactory caches, LongSupplier offlineMessages, String jmxDomain) {
        this.caches = Objects.requireNonNull(caches, "caches");
        registry.config().commonTags("node", nodeId);
        registry.add(prometheus);
        if (jmxDomain != null) {
            registry.add(new JmxMeterRegistry(new JmxConfig() {
                @Override
                public String get(String key) {
                    return null;
                }

                @Override
                public String domain() {
                    return jmxDomain;
                }
            }, io.micrometer.core.instrument.Clock.SYSTEM));
        }
        Gauge.builder("skein.offline.messages", offlineMessages, LongSupplier::getAsLong).strongReference(true)
                .description("Messages waiting in offline storage, for all users (a count in the database)").register(registry);
        Gauge.builder("skein.sessions", routes, r -> r.sessionCount(true))
                .description("Client sessions on this node").register(registry);
        for (StanzaTraffic.Kind kind : StanzaTraffic.Kind.values()) {
            Tags tags = Tags.of("kind", kind.name().toLowerCase(java.util.Locale.ROOT));
            FunctionCounter.builder("skein.stanzas.received", traffic, t -> t.receivedCount(kind)).tags(tags)
                    .description("Stanzas this node's clients sent").register(registry);
            FunctionCounter.builder("skein.stanzas.sent", traffic, t -> t.sentCount(kind)).tags(tags)
                    .description("Stanzas written to this node's clients").register(registry);
        }
        FunctionCounter.builder("skein.logins", logins, LoginThrottle::succeededLogins).tag("result", "success")
                .description("SASL logins on this node").register(registry);
        FunctionCounter.builder("skein.logins", logins, LoginThrottle::failedLogins).tag("result", "failure")
                .register(registry);
        FunctionCounter.builder("skein.logins", logins, LoginThrottle::refusedLogins).tag("result", "refused")
                .register(registry);
        Gauge.builder("skein.cluster.members", cluster, c -> c.isClusteringStarted() ? c.getNodesInfo().size() : 1)
                .description("Members this node sees in its cluster (1 when it is alone)").register(registry);
        Gauge.builder("skein.cluster.foreign.members", cluster, c -> c.getForeignMembers().size())
                .description("Members of the cluster's network that are not trusted Skein nodes (no node id, no or a wrong "
                        + "proof of cluster.secret); they get no stanzas, tasks or roles").register(registry);
        Gauge.builder("skein.cluster.senior", cluster, c -> c.isSeniorClusterMember() ? 1 : 0)
                .description("1 when this node is the senior member").register(registry);
        this.clusterEvents = new ClusterEventMeters(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /** What to register with the cluster manager: counts joins, leaves and crashes of members. */
    public ClusterEventMeters clusterEvents() {
        return clusterEvents;
    }

    /**
     * Adds the gauge of the stanzas from other nodes that were handed to the node's delivery and are not
     * delivered yet ({@code skein_cluster_inbound_pending}).
     */
    /** Meters the stream management journal (XEP-0198 resumption after a node's death): what it wrote, what waits. */
    public void meterJournal(org.skein.session.SessionJournal journal) {
        FunctionCounter.builder("skein.sm.journal.stanzas", journal, org.skein.session.SessionJournal::stanzasWritten)
                .description("Stanzas written to the stream management journal").register(registry);
        FunctionCounter.builder("skein.sm.journal.batches", journal, org.skein.session.SessionJournal::batches)
                .description("Batches the stream management journal wrote").register(registry);
        FunctionCounter.builder("skein.sm.journal.failures", journal, org.skein.session.SessionJournal::failures)
                .description("Batches of the stream management journal that failed (those stanzas are not crash-safe)").register(registry);
        Gauge.builder("skein.sm.journal.pending", journal, org.skein.session.SessionJournal::pending)
                .description("Changes queued for the stream management journal and not written yet").register(registry);
    }

    public void meterInboundDelivery(org.skein.routing.InboundStanzas inbound) {
        Gauge.builder("skein.cluster.inbound.pending", inbound, org.skein.routing.InboundStanzas::pending)
                .description("Stanzas from other nodes handed to this node's delivery and not delivered yet").register(registry);
        io.micrometer.core.instrument.Timer waited = io.micrometer.core.instrument.Timer.builder("skein.cluster.inbound.wait")
                .serviceLevelObjectives(STAGE_BUCKETS)
                .description("From a received stanza's hand-over to this node's delivery until its lane takes it").register(registry);
        io.micrometer.core.instrument.Timer delivered = io.micrometer.core.instrument.Timer.builder("skein.cluster.inbound.delivery")
                .serviceLevelObjectives(STAGE_BUCKETS)
                .description("A lane's work for one received stanza (the as-is check, the hand-over to the session)").register(registry);
        inbound.recordStagesWith(new org.skein.routing.InboundStanzas.Stages() {
            @Override
            public void waited(long nanos) {
                waited.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
            }

            @Override
            public void delivered(long nanos) {
                delivered.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
            }
        });
    }

    /** The registry, for plugins that add meters of their own. */
    public MeterRegistry registry() {
        return registry;
    }

    /** Every meter in Prometheus' text exposition format (version 0.0.4). */
    public String scrape() {
        refresh();
        return prometheus.scrape();
    }

    /** Adds the meters of caches created since the last scrape or refresh (for JMX, which is read without a scrape). */
    public void refresh() {
        List<CacheStats> now = caches.getLocalCacheStats();
        for (CacheStats stats : now) {
            boolean added = cacheStats.put(stats.name(), stats) == null;
            if (added) {
                String name = stats.name();
                Tags tags = Tags.of("cache", name);
                gauge("skein.cache.entries", tags, name, CacheStats::entries, "Entries in the cache (as this node sees it)");
                gauge("skein.cache.size", tags, name, CacheStats::size, "Size of the cache in bytes (estimated)");
                gauge("skein.cache.max.size", tags, name, CacheStats::maxSize, "Budget of the cache in bytes, -1 unlimited");
                FunctionCounter.builder("skein.cache.hits", cacheStats, m -> valueOf(m, name, CacheStats::hits)).tags(tags)
                        .description("Reads of the cache that found an entry").register(registry);
                FunctionCounter.builder("skein.cache.misses", cacheStats, m -> valueOf(m, name, CacheStats::misses)).tags(tags)
                        .description("Reads of the cache that found nothing").register(registry);
            }
        }
    }

    private void gauge(String meter, Tags tags, String cache, ToDoubleFunction<CacheStats> value, String description) {
        Gauge.builder(meter, cacheStats, m -> valueOf(m, cache, value)).tags(tags).description(description).register(registry);
    }

    private static double valueOf(Map<String, CacheStats> stats, String cache, ToDoubleFunction<CacheStats> value) {
        CacheStats s = stats.get(cache);
        return s == null ? Double.NaN : value.applyAsDouble(s);
    }

    @Override
    public void close() {
        gc.close();
        for (MeterRegistry child : List.copyOf(registry.getRegistries())) {
            child.close(); // the JMX registry unregisters its MBeans
        }
        registry.close();
    }
}
