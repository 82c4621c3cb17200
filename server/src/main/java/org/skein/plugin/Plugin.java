package org.skein.plugin;

/**
 * A plugin: code loaded from a jar in a node's {@code plugins/} folder. The class named in the jar's
 * {@code plugin.xml} must implement this interface and have a public no-argument constructor.
 *
 * <p>Lifecycle: the plugin manager creates the instance, calls {@link #initializePlugin} once, and
 * calls {@link #destroyPlugin} once when the jar is removed or replaced or the node stops. After
 * {@code destroyPlugin} the plugin's class loader is closed, so a plugin must undo everything it
 * registered (listeners, caches it owns, threads, strategies).
 *
 * <p>Both methods run on the plugin manager's thread. An exception from {@code initializePlugin} is
 * logged with the plugin's name, the plugin is not loaded, and the node carries on.
 */
public interface Plugin {

    /**
     * Starts the plugin.
     *
     * @param context the node's services and the plugin's own folder and class loader
     * @throws Exception if the plugin cannot start; it is then skipped
     */
    void initializePlugin(PluginContext context) throws Exception;

    /** Stops the plugin and releases everything it registered. Must not throw. */
    void destroyPlugin();
}
