package org.skein.plugin;

/**
 * Told when a plugin has been loaded (after its {@code initializePlugin} returned) or is about to be
 * unloaded (before its {@code destroyPlugin} runs). Called on the plugin manager's thread.
 */
public interface PluginListener {

    default void pluginLoaded(LoadedPlugin plugin) {
    }

    default void pluginUnloading(LoadedPlugin plugin) {
    }
}
