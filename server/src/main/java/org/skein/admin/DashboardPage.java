package org.skein.admin;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.skein.ServerContext;
import org.skein.clustering.ClusterManager;

/** This node at a glance (id, version, uptime, memory, sessions here and in the cluster) and the cluster's state. */
final class DashboardPage implements AdminPage {

    @Override
    public void get(AdminExchange exchange, String subpath) throws IOException {
        if (subpath != null) {
            exchange.error(404, exchange.message("error.notFound"));
            return;
        }
        ServerContext node = exchange.node();
        ClusterManager cluster = node.clusterManager();
        NodeStatus status = NodeStatus.of(node);
        Map<String, Object> model = new HashMap<>();
        model.put("status", status);
        model.put("uptime", Formats.duration(status.uptimeMillis()));
        model.put("heapUsed", Formats.bytes(status.heapUsed()));
        model.put("heapMax", Formats.bytes(status.heapMax()));
        model.put("heapPercent", status.heapMax() <= 0 ? 0 : status.heapUsed() * 100 / status.heapMax());
        model.put("clusterState", cluster.getState().name());
        model.put("clusterEnabled", cluster.isClusteringEnabled());
        model.put("clusterNodes", cluster.getNodesInfo().size());
        model.put("senior", cluster.getSeniorClusterMember().value());
        model.put("isSenior", cluster.isSeniorClusterMember());
        model.put("users", node.userManager().count());
        model.put("localSessions", node.sessionManager().getUserSessionsCount(true));
        model.put("clusterSessions", node.sessionManager().getUserSessionsCount(false));
        exchange.render("dashboard", model);
    }
}
