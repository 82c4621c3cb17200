package org.skein.plugin;

import java.nio.file.Path;
import org.skein.ServerContext;
import org.skein.cache.CacheFactory;
import org.skein.clustering.ClusterManager;
import org.skein.config.ServerConfig;

/**
 * What a plugin gets from the node that loads it: the node's services and the plugin's own
 * descriptor, folder and class loader. Valid from {@link Plugin#initializePlugin} until
 * {@link Plugin#destroyPlugin} returns.
 */
public interface PluginContext {

    /** The node this plugin runs in. */
    ServerContext server();

    /** The plugin's {@code plugin.xml}, parsed. */
    PluginDescriptor descriptor();

    /** The folder the plugin's jar was unpacked into (holds plugin.xml, classes, lib/, web/, i18n/). */
    Path pluginDirectory();

    /** The plugin's class loader (its classes and {@code lib/*.jar}, with the server's loader as parent). */
    ClassLoader classLoader();

    default CacheFactory cacheFactory() {
        return server().cacheFactory();
    }

    default ClusterManager clusterManager() {
        return server().clusterManager();
    }

    default ServerConfig config() {
        return server().config();
    }
}
