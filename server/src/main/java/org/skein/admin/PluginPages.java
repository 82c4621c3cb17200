package org.skein.admin;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.MissingResourceException;
import java.util.ResourceBundle;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.skein.plugin.AdminConsoleEntry;
import org.skein.plugin.LoadedPlugin;
import org.skein.plugin.PluginManager;
import org.thymeleaf.TemplateEngine;
import org.thymeleaf.templateresolver.FileTemplateResolver;

/**
 * The admin pages plugins declare in their {@code plugin.xml}: the navigation entries, and for each
 * loaded plugin a template engine over its {@code web/} folder whose strings come from its
 * {@code i18n/} bundles first and the console's second. Engines are rebuilt when a plugin is
 * reloaded.
 */
final class PluginPages {

    /** A navigation entry: {@code /plugin/<pluginId>/<pageId>}. */
    record NavEntry(String pluginId, String pageId, String label, String path) {
    }

    private final PluginManager plugins;
    private final Map<String, PluginView> views = new ConcurrentHashMap<>();

    PluginPages(PluginManager plugins) {
        this.plugins = plugins;
    }

    List<NavEntry> navigation(Locale locale) {
        List<NavEntry> entries = new ArrayList<>();
        for (LoadedPlugin plugin : plugins.getPlugins()) {
            for (AdminConsoleEntry entry : plugin.descriptor().adminConsoleEntries()) {
                entries.add(new NavEntry(plugin.id(), entry.id(), view(plugin).text(entry.name(), locale),
                        "/plugin/" + plugin.id() + "/" + entry.id()));
            }
        }
        return entries;
    }

    /** The view of a loaded plugin, made anew if the plugin was reloaded. */
    PluginView view(LoadedPlugin plugin) {
        return views.compute(plugin.id(), (id, old) -> old != null && old.plugin == plugin ? old : new PluginView(plugin));
    }

    /** One plugin's templates and strings. */
    static final class PluginView {
        final LoadedPlugin plugin;
        final TemplateEngine engine;
        private final ClassLoader i18nLoader;
        private final List<String> bundleNames;

        PluginView(LoadedPlugin plugin) {
            this.plugin = plugin;
            Path i18n = plugin.directory().resolve("i18n");
            this.bundleNames = bundleNames(i18n);
            this.i18nLoader = loaderFor(i18n);
            FileTemplateResolver resolver = new FileTemplateResolver();
            Templates.configure(resolver, plugin.directory().resolve("web").toString() + "/");
            resolver.setSuffix("");
            this.engine = new TemplateEngine();
            engine.setTemplateResolver(resolver);
            engine.setMessageResolver(new BundleMessageResolver(this::bundles));
        }

        List<ResourceBundle> bundles(Locale locale) {
            List<ResourceBundle> result = new ArrayList<>();
            for (String name : bundleNames) {
                try {
                    result.add(ResourceBundle.getBundle(name, locale, i18nLoader,
                            ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES)));
                } catch (MissingResourceException e) {
                    // this bundle has no file for the locale and no default file
                }
            }
            result.add(BundleMessageResolver.consoleBundle(locale));
            return result;
        }

        /** The text of a key from the plugin's bundles, or the key itself when it is plain text. */
        String text(String keyOrText, Locale locale) {
            for (ResourceBundle bundle : bundles(locale)) {
                if (bundle.containsKey(keyOrText)) {
                    return bundle.getString(keyOrText);
                }
            }
            return keyOrText;
        }

        private static List<String> bundleNames(Path i18n) {
            TreeSet<String> names = new TreeSet<>();
            if (Files.isDirectory(i18n)) {
                try (Stream<Path> files = Files.list(i18n)) {
                    files.map(p -> p.getFileName().toString())
                            .filter(n -> n.endsWith(".properties"))
                            .map(n -> n.substring(0, n.length() - ".properties".length()).replaceFirst("_[a-z]{2}(_[A-Za-z]{2,4})*$", ""))
                            .forEach(names::add);
                } catch (IOException e) {
                    // an unreadable folder: the plugin's pages show keys
                }
            }
            return List.copyOf(names);
        }

        private static ClassLoader loaderFor(Path i18n) {
            try {
                return new URLClassLoader(new URL[] {i18n.toUri().toURL()}, null);
            } catch (MalformedURLException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
