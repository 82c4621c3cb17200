package org.skein.admin;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.skein.plugin.LoadedPlugin;
import org.skein.plugin.PluginException;
import org.skein.plugin.PluginManager;

/** The installed plugins with their versions and the ones that failed; upload, delete, reload. */
final class PluginsPage implements AdminPage {

    @Override
    public void get(AdminExchange exchange, String subpath) throws IOException {
        if (subpath != null) {
            exchange.error(404, exchange.message("error.notFound"));
            return;
        }
        PluginManager plugins = exchange.node().pluginManager();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (LoadedPlugin plugin : plugins.getPlugins()) {
            Map<String, Object> row = new HashMap<>();
            row.put("id", plugin.id());
            row.put("name", plugin.descriptor().name());
            row.put("version", plugin.descriptor().version());
            row.put("description", plugin.descriptor().description());
            row.put("author", plugin.descriptor().author());
            row.put("loaded", Formats.time(plugin.loadedAt().toEpochMilli()));
            rows.add(row);
        }
        Map<String, Object> model = new HashMap<>();
        model.put("plugins", rows);
        model.put("failures", plugins.getFailures());
        exchange.render("plugins", model);
    }

    @Override
    public void post(AdminExchange exchange, String action) throws IOException {
        PluginManager plugins = exchange.node().pluginManager();
        try {
            switch (action) {
                case "upload":
                    Part part = exchange.request().getPart("jar");
                    String fileName = part == null ? "" : part.getSubmittedFileName();
                    if (fileName == null || fileName.isBlank()) {
                        exchange.redirect("/plugins", exchange.message("plugins.noFile"));
                        return;
                    }
                    try (InputStream in = part.getInputStream()) {
                        LoadedPlugin loaded = plugins.install(fileName, in);
                        exchange.redirect("/plugins", exchange.message("plugins.installed", loaded.descriptor().name(), loaded.descriptor().version()));
                    }
                    return;
                case "delete":
                    boolean deleted = plugins.delete(exchange.param("id"));
                    exchange.redirect("/plugins", exchange.message(deleted ? "plugins.deleted" : "plugins.unknown", exchange.param("id")));
                    return;
                case "reload":
                    LoadedPlugin reloaded = plugins.reload(exchange.param("id"));
                    exchange.redirect("/plugins", exchange.message("plugins.reloaded", reloaded.descriptor().name()));
                    return;
                default:
                    exchange.error(404, exchange.message("error.notFound"));
            }
        } catch (PluginException | IllegalArgumentException | IllegalStateException | ServletException e) {
            exchange.redirect("/plugins", exchange.message("plugins.error", e.getMessage()));
        }
    }
}
