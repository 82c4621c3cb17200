package org.skein.admin;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.skein.plugin.AdminConsoleEntry;
import org.skein.plugin.AdminPageModel;
import org.skein.plugin.LoadedPlugin;

/**
 * Serves {@code /plugin/<pluginId>/<pageId>}: the plugin's template (from its {@code web/} folder)
 * rendered with the variables its {@link AdminPageModel} supplies, inside the console's layout.
 */
final class PluginPage implements AdminPage {

    @Override
    public void get(AdminExchange exchange, String subpath) throws IOException {
        String[] parts = subpath == null ? new String[0] : subpath.split("/", 2);
        if (parts.length != 2) {
            exchange.error(404, exchange.message("error.notFound"));
            return;
        }
        Optional<LoadedPlugin> plugin = exchange.node().pluginManager().getPlugin(parts[0]);
        Optional<AdminConsoleEntry> entry = plugin.flatMap(p -> p.descriptor().adminConsoleEntries().stream()
                .filter(e -> e.id().equals(parts[1])).findFirst());
        if (entry.isEmpty() || !(plugin.get().plugin() instanceof AdminPageModel)) {
            exchange.error(404, exchange.message("error.notFound"));
            return;
        }
        Map<String, String> parameters = new HashMap<>();
        exchange.request().getParameterMap().forEach((k, v) -> parameters.put(k, v.length == 0 ? "" : v[0]));
        Map<String, Object> pluginModel;
        try {
            pluginModel = ((AdminPageModel) plugin.get().plugin()).model(entry.get().id(), parameters, exchange.locale());
        } catch (IllegalArgumentException e) {
            exchange.error(400, e.getMessage());
            return;
        }
        PluginPages.PluginView view = exchange.console().pluginPagesRegistry().view(plugin.get());
        Map<String, Object> variables = new HashMap<>(pluginModel);
        variables.put("csrf", CsrfTokens.tokenFor(exchange.request().getSession(true)));
        String content = exchange.console().templates().renderToString(view.engine, entry.get().url(), variables,
                exchange.request(), exchange.response(), exchange.locale());
        Map<String, Object> model = new HashMap<>();
        model.put("pageTitle", view.text(entry.get().name(), exchange.locale()));
        model.put("pageHtml", content);
        exchange.render("plugin-page", model);
    }
}
