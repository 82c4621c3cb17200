package org.skein.hazelcast;

import java.text.NumberFormat;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.skein.ServerContext;
import org.skein.cache.CacheFactory;
import org.skein.cache.CacheStats;
import org.skein.cluster.ClusterException;
import org.skein.cluster.ClusterNodeInfo;
import org.skein.cluster.ForeignMember;
import org.skein.cluster.NodeID;
import org.skein.clustering.ClusterManager;
import org.skein.hazelcast.routing.RouterFigures;

/**
 * The data of the cluster node page ({@code web/cluster-node.html}): one node's details, its heap
 * and the objects from the cluster its deserialization allowlist refused (asked of that node with a
 * short timeout), its caches (from the statistics every node
 * publishes) and its packet router's counters (asked of that node). Plain maps, lists, strings and numbers, so any template engine can read them.
 */
final class NodePageModel {

    static final String PAGE_ID = "hazelcast-node";
    private static final Duration MEMORY_TIMEOUT = Duration.ofSeconds(3);
    private static final double MIB = 1024.0 * 1024.0;

    private final ServerContext server;

    NodePageModel(ServerContext server) {
        this.server = server;
    }

    /**
     * @param parameters {@code node}: the id of the node to show; this node when absent
     * @throws IllegalArgumentException if the node is not a member of the cluster
     */
    Map<String, Object> model(Map<String, String> parameters, Locale locale) {
        CacheFactory caches = server.cacheFactory();
        String requested = parameters.get("node");
        NodeID nodeId;
        try {
            nodeId = requested == null || requested.isBlank() ? server.nodeId() : NodeID.of(requested);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("parameter 'node' is not a node id: " + requested);
        }
        Optional<ClusterNodeInfo> info = server.clusterManager().getNodeInfo(nodeId);
        if (info.isEmpty()) {
            throw new IllegalArgumentException("node " + nodeId + " is not a member of the cluster");
        }
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("nodeId", nodeId.value());
        model.put("hostName", info.get().hostName());
        model.put("joinedTime", Instant.ofEpochMilli(info.get().joinedTime()).toString());
        model.put("senior", info.get().senior());
        model.put("local", nodeId.equals(server.nodeId()));
        model.put("clustered", caches.isClustered());
        model.put("strategy", caches.getCurrentStorage().name());
        model.put("nodes", nodes(server.clusterManager()));
        model.put("foreign", foreign(server.clusterManager()));
        memory(server.clusterManager(), nodeId, locale, model);
        model.put("caches", cacheRows(statsOf(caches, nodeId), locale));
        router(server.clusterManager(), nodeId, model);
        return model;
    }

    private static List<Map<String, Object>> nodes(ClusterManager cluster) {
        List<Map<String, Object>> nodes = new ArrayList<>();
        for (ClusterNodeInfo node : cluster.getNodesInfo()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("nodeId", node.nodeId().value());
            row.put("hostName", node.hostName());
            row.put("senior", node.senior());
            nodes.add(row);
        }
        return nodes;
    }

    /** The members that are not trusted Skein nodes: address, member id, claimed node id (may be empty), reason. */
    private static List<Map<String, Object>> foreign(ClusterManager cluster) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (ForeignMember member : cluster.getForeignMembers()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("address", member.address());
            row.put("memberId", member.memberId());
            row.put("claimed", member.claimedNode());
            row.put("reason", member.reason().name());
            rows.add(row);
        }
        return rows;
    }

    private static void memory(ClusterManager cluster, NodeID nodeId, Locale locale, Map<String, Object> model) {
        try {
            Map<String, Long> memory = cluster.doSynchronousClusterTask(new NodeFiguresTask(), nodeId, MEMORY_TIMEOUT);
            long total = memory.get("total");
            long used = total - memory.get("free");
            long max = memory.get("max");
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("usedMiB", mib(used, locale));
            figures.put("totalMiB", mib(total, locale));
            figures.put("maxMiB", mib(max, locale));
            int percent = (int) Math.round(100.0 * used / Math.max(1, max));
            figures.put("usedPercent", percent);
            figures.put("critical", percent >= 90);
            model.put("memory", figures);
            model.put("memoryError", null);
            model.put("refusedObjects", memory.get("refused"));
        } catch (ClusterException e) {
            model.put("memory", null);
            model.put("memoryError", e.getMessage());
            model.put("refusedObjects", null);
        }
    }

    /**
     * The router's counters as numbers ({@code router}: {@code running}, {@code transport} (how other nodes'
     * stanzas reach this node; each destination row has the {@code transport} to that node), {@code destinations},
     * {@code sources}, {@code sentTotal}, {@code receivedTotal}; rows of plain maps), or
     * {@code routerError} when the node did not answer.
     */
    private static void router(ClusterManager cluster, NodeID nodeId, Map<String, Object> model) {
        try {
            RouterFigures figures = cluster.doSynchronousClusterTask(new RouterFiguresTask(), nodeId, MEMORY_TIMEOUT);
            Map<String, Object> router = new LinkedHashMap<>();
            router.put("running", figures.running());
            router.put("transport", figures.transport());
            List<Map<String, Object>> destinations = new ArrayList<>();
            figures.destinations().forEach(d -> destinations.add(destination(d)));
            router.put("destinations", destinations);
            List<Map<String, Object>> sources = new ArrayList<>();
            figures.sources().forEach(s -> sources.add(source(s)));
            router.put("sources", sources);
            router.put("sentTotal", destination(figures.sentTotal()));
            router.put("receivedTotal", source(figures.receivedTotal()));
            model.put("router", router);
            model.put("routerError", null);
        } catch (ClusterException e) {
            model.put("router", null);
            model.put("routerError", e.getMessage());
        }
    }

    private static Map<String, Object> destination(RouterFigures.Destination d) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("node", d.node());
        row.put("member", d.member());
        row.put("transport", d.transport());
        row.put("queued", d.queued());
        row.put("sent", d.sent());
        row.put("failed", d.failed());
        row.put("batches", d.batches());
        row.put("pushbacks", d.pushbacks());
        return row;
    }

    private static Map<String, Object> source(RouterFigures.Source s) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("node", s.node());
        row.put("batches", s.batches());
        row.put("delivered", s.delivered());
        row.put("undeliverable", s.undeliverable());
        row.put("malformed", s.malformed());
        return row;
    }

    private List<CacheStats> statsOf(CacheFactory caches, NodeID nodeId) {
        if (nodeId.equals(server.nodeId())) {
            return caches.getLocalCacheStats();
        }
        return caches.getCacheStats().getOrDefault(nodeId, List.of());
    }

    private static List<Map<String, Object>> cacheRows(List<CacheStats> stats, Locale locale) {
        NumberFormat numbers = NumberFormat.getIntegerInstance(locale);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (CacheStats s : stats) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", s.name());
            row.put("strategy", s.strategy());
            row.put("entries", numbers.format(s.entries()));
            row.put("sizeMiB", mib(s.size(), locale));
            row.put("maxSizeMiB", s.maxSize() < 0 ? null : mib(s.maxSize(), locale));
            row.put("fillPercent", s.maxSize() < 0 ? null : (int) Math.round(100 * s.fill()));
            row.put("lifetime", s.maxLifetime() < 0 ? null : Duration.ofMillis(s.maxLifetime()).toString().substring(2).toLowerCase(Locale.ROOT));
            row.put("hits", numbers.format(s.hits()));
            row.put("misses", numbers.format(s.misses()));
            row.put("hitPercent", (int) Math.round(100 * s.hitRate()));
            rows.add(row);
        }
        return rows;
    }

    private static String mib(long bytes, Locale locale) {
        NumberFormat format = NumberFormat.getNumberInstance(locale);
        format.setMaximumFractionDigits(1);
        format.setMinimumFractionDigits(1);
        return format.format(bytes / MIB);
    }
}
