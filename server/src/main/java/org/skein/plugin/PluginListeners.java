package org.skein.plugin;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registered {@link PluginListener}s. A listener that throws is logged and the others are still
 * told; {@link LinkageError} is caught too, since a listener left behind by an unloaded plugin fails
 * with {@code NoClassDefFoundError} once its class loader is closed.
 */
final class PluginListeners {

    private static final Logger LOG = LoggerFactory.getLogger(PluginListeners.class);

    private final List<PluginListener> listeners = new CopyOnWriteArrayList<>();

    void add(PluginListener listener) {
        listeners.add(listener);
    }

    void remove(PluginListener listener) {
        listeners.remove(listener);
    }

    void loaded(LoadedPlugin plugin) {
        for (PluginListener listener : listeners) {
            try {
                listener.pluginLoaded(plugin);
            } catch (RuntimeException | LinkageError e) {
                LOG.warn("Plugin listener {} failed on pluginLoaded({})", listener, plugin.id(), e);
            }
        }
    }

    void unloading(LoadedPlugin plugin) {
        for (PluginListener listener : listeners) {
            try {
                listener.pluginUnloading(plugin);
            } catch (RuntimeException | LinkageError e) {
                LOG.warn("Plugin listener {} failed on pluginUnloading({})", listener, plugin.id(), e);
            }
        }
    }
}
