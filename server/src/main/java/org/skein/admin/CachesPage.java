package org.skein.admin;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.skein.cache.Cache;
import org.skein.cache.CacheFactory;
import org.skein.config.CacheSettingsResolver;
import org.skein.cache.CacheStats;
import org.skein.cluster.NodeID;
import org.skein.config.ServerConfig;

/**
 * Every cache on every node (entries, size against budget, hit rate, lifetime), from the statistics
 * the nodes publish; clearing a cache, and changing its budget and lifetime (kept in the node's
 * configuration, and applied at once where the cache's strategy allows it).
 */
final class CachesPage implements AdminPage {

    @Override
    public void get(AdminExchange exchange, String subpath) throws IOException {
        if (subpath != null) {
            exchange.error(404, exchange.message("error.notFound"));
            return;
        }
        CacheFactory caches = exchange.node().cacheFactory();
        caches.publishCacheStats();
        List<Map<String, Object>> rows = new ArrayList<>();
        Map<NodeID, List<CacheStats>> stats = caches.getCacheStats();
        stats.forEach((node, list) -> {
            for (CacheStats s : list) {
                Map<String, Object> row = new HashMap<>();
                row.put("name", s.name());
                row.put("node", node.value());
                row.put("local", node.equals(exchange.node().nodeId()));
                row.put("entries", s.entries());
                row.put("size", Formats.bytes(s.size()));
                row.put("maxSize", s.maxSize() < 0 ? "∞" : Formats.bytes(s.maxSize()));
                row.put("fill", Math.round(s.fill() * 100));
                row.put("hitRate", Math.round(s.hitRate() * 1000) / 10.0);
                row.put("reads", s.hits() + s.misses());
                row.put("lifetime", s.maxLifetime() < 0 ? "∞" : Formats.lifetime(s.maxLifetime()));
                row.put("editSize", Formats.size(s.maxSize()));
                row.put("editLifetime", Formats.lifetime(s.maxLifetime()));
                row.put("strategy", s.strategy());
                rows.add(row);
            }
        });
        rows.sort(Comparator.comparing((Map<String, Object> r) -> (String) r.get("name")).thenComparing(r -> (String) r.get("node")));
        exchange.render("caches", Map.of("rows", rows));
    }

    @Override
    public void post(AdminExchange exchange, String action) throws IOException {
        String name = exchange.param("name");
        Optional<Cache<Object, Object>> cache = exchange.node().cacheFactory().getCache(name);
        if (cache.isEmpty()) {
            exchange.redirect("/caches", exchange.message("caches.unknown", name));
            return;
        }
        switch (action) {
            case "clear":
                cache.get().clear();
                exchange.redirect("/caches", exchange.message("caches.cleared", name));
                return;
            case "settings":
                changeSettings(exchange, name, cache.get());
                return;
            default:
                exchange.error(404, exchange.message("error.notFound"));
        }
    }

    private static void changeSettings(AdminExchange exchange, String name, Cache<Object, Object> cache) throws IOException {
        long maxSize;
        long maxLifetime;
        try {
            maxSize = ServerConfig.parseByteSize(exchange.param("maxSize"));
            java.time.Duration lifetime = ServerConfig.parseDuration(exchange.param("maxLifetime"));
            maxLifetime = lifetime == null ? -1 : lifetime.toMillis();
            cache.setMaxCacheSize(maxSize);
            cache.setMaxLifetime(maxLifetime);
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            exchange.redirect("/caches", exchange.message("caches.badSettings", name, e.getMessage()));
            return;
        }
        String key = CacheSettingsResolver.key(name);
        ServerConfig config = exchange.node().config();
        config.set(key + ".maxSize", Formats.size(maxSize));
        config.set(key + ".maxLifetime", Formats.lifetime(maxLifetime));
        exchange.redirect("/caches", exchange.message("caches.changed", name));
    }
}
