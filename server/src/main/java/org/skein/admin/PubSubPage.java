package org.skein.admin;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.skein.pubsub.PubSubTopics;
import org.xmpp.packet.JID;

/**
 * The nodes of the publish-subscribe service ({@code pubsub.<domain>}), a page at a time, with their
 * subscriber and item counts; one node's subscribers; deleting a node (its subscribers are told). The
 * service keeps everything in the database the cluster shares, so every node's console shows the same.
 */
final class PubSubPage implements AdminPage {

    static final int PAGE_SIZE = 50;

    @Override
    public void get(AdminExchange exchange, String subpath) throws IOException {
        Optional<PubSubTopics> service = exchange.node().pubSubTopics();
        Map<String, Object> model = new HashMap<>();
        model.put("enabled", service.isPresent());
        if (service.isEmpty()) {
            exchange.render("pubsub", model);
            return;
        }
        PubSubTopics topics = service.get();
        model.put("domain", topics.domain());
        if ("subscribers".equals(subpath)) {
            String node = exchange.param("node");
            if (!topics.topicExists(node)) {
                exchange.redirect("/pubsub", exchange.message("pubsub.noSuchNode", node));
                return;
            }
            List<String> subscribers = new ArrayList<>();
            for (JID jid : topics.subscribers(node)) {
                subscribers.add(jid.toString());
            }
            subscribers.sort(null);
            model.put("node", node);
            model.put("subscribers", subscribers);
            exchange.render("pubsub-subscribers", model);
            return;
        }
        if (subpath != null) {
            exchange.error(404, exchange.message("error.notFound"));
            return;
        }
        int total = topics.topicCount();
        int pages = Math.max(1, (total + PAGE_SIZE - 1) / PAGE_SIZE);
        int page = Math.min(Math.max(0, parseInt(exchange.param("page"))), pages - 1);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String node : topics.topics(page * PAGE_SIZE, PAGE_SIZE)) {
            Map<String, Object> row = new HashMap<>();
            row.put("name", node);
            row.put("subscribers", topics.subscribers(node).size());
            row.put("items", topics.itemCount(node));
            rows.add(row);
        }
        model.put("nodes", rows);
        model.put("total", total);
        model.put("page", page);
        model.put("hasPrevious", page > 0);
        model.put("hasNext", page + 1 < pages);
        exchange.render("pubsub", model);
    }

    @Override
    public void post(AdminExchange exchange, String action) throws IOException {
        Optional<PubSubTopics> service = exchange.node().pubSubTopics();
        if (!"delete".equals(action) || service.isEmpty()) {
            exchange.error(404, exchange.message("error.notFound"));
            return;
        }
        String node = exchange.param("node");
        try {
            boolean deleted = service.get().deleteTopic(node);
            exchange.redirect("/pubsub", exchange.message(deleted ? "pubsub.deleted" : "pubsub.noSuchNode", node));
        } catch (IllegalArgumentException e) {
            exchange.redirect("/pubsub", exchange.message("pubsub.failed", e.getMessage()));
        }
    }

    private static int parseInt(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
