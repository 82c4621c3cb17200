package org.skein.admin;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.skein.ServerContext;
import org.skein.clustering.ClusterManager;
import org.skein.cluster.ClusterNodeInfo;
import org.skein.cluster.ClusterTaskResults;
import org.skein.cluster.ForeignMember;
import org.skein.cluster.NodeID;

/**
 * The clustering switch of this node, its progress and outcome, and the table of the cluster's
 * nodes. The table is a fragment ({@code /clustering/nodes}) that the page fetches and refreshes by
 * itself, so a slow node delays only the table, and a node that does not answer within
 * {@code admin.nodeStatusTimeout} (2s) is shown as not answering. Members of the cluster's network that
 * are not trusted Skein nodes (a plain member of the clustering software, a node without the cluster
 * secret) are listed in the same table, flagged with the reason.
 */
final class ClusteringPage implements AdminPage {

    @Override
    public void get(AdminExchange exchange, String subpath) throws IOException {
        if ("nodes".equals(subpath)) {
            exchange.render("clustering-nodes", nodesModel(exchange));
            return;
        }
        if (subpath != null) {
            exchange.error(404, exchange.message("error.notFound"));
            return;
        }
        exchange.render("clustering", stateModel(exchange.node()));
    }

    @Override
    public void post(AdminExchange exchange, String action) throws IOException {
        if (!action.equals("toggle")) {
            exchange.error(404, exchange.message("error.notFound"));
            return;
        }
        boolean enable = Boolean.parseBoolean(exchange.param("enabled"));
        exchange.node().clusterManager().setClusteringEnabled(enable);
        exchange.redirect("/clustering", exchange.message(enable ? "clustering.starting" : "clustering.stopping"));
    }

    static Map<String, Object> stateModel(ServerContext node) {
        ClusterManager cluster = node.clusterManager();
        Map<String, Object> model = new HashMap<>();
        model.put("enabled", cluster.isClusteringEnabled());
        model.put("available", cluster.isClusteringAvailable());
        model.put("state", cluster.getState().name());
        model.put("started", cluster.isClusteringStarted());
        model.put("senior", cluster.isSeniorClusterMember());
        model.put("lastError", cluster.getLastError().orElse(null));
        model.put("strategy", cluster.getProviderName().orElse(null));
        return model;
    }

    private static Map<String, Object> nodesModel(AdminExchange exchange) {
        ServerContext node = exchange.node();
        Duration timeout = node.config().getDuration("admin.nodeStatusTimeout", Duration.ofSeconds(2));
        ClusterTaskResults<NodeStatus> results = node.clusterManager()
                .doSynchronousClusterTask(new NodeStatus.Task(), true, timeout == null ? Duration.ofSeconds(2) : timeout);
        List<Map<String, Object>> rows = new ArrayList<>();
        NodeID senior = node.clusterManager().getSeniorClusterMember();
        for (ClusterNodeInfo info : node.clusterManager().getNodesInfo()) {
            Map<String, Object> row = new HashMap<>();
            row.put("id", info.nodeId().value());
            row.put("host", info.hostName());
            row.put("joined", Formats.time(info.joinedTime()));
            row.put("senior", info.nodeId().equals(senior));
            row.put("local", info.nodeId().equals(node.nodeId()));
            NodeStatus status = results.results().get(info.nodeId());
            row.put("answered", status != null);
            if (status != null) {
                row.put("version", status.serverVersion());
                row.put("sessions", status.sessions());
                row.put("plugins", status.plugins());
                row.put("heap", Formats.bytes(status.heapUsed()) + " / " + Formats.bytes(status.heapMax()));
                row.put("heapPercent", status.heapMax() <= 0 ? 0 : status.heapUsed() * 100 / status.heapMax());
                row.put("uptime", Formats.duration(status.uptimeMillis()));
            } else {
                Throwable why = results.failures().get(info.nodeId());
                row.put("failure", why == null ? "" : why.getClass().getSimpleName());
            }
            rows.add(row);
        }
        List<Map<String, Object>> foreign = new ArrayList<>();
        for (ForeignMember member : node.clusterManager().getForeignMembers()) {
            Map<String, Object> row = new HashMap<>();
            row.put("address", member.address());
            row.put("memberId", member.memberId());
            row.put("claimed", member.claimedNode());
            row.put("reason", member.reason().name());
            foreign.add(row);
        }
        Map<String, Object> model = stateModel(node);
        model.put("nodes", rows);
        model.put("foreign", foreign);
        return model;
    }
}
