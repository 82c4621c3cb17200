package org.skein.plugin;

import java.nio.file.Path;
import org.skein.ServerContext;

/** The {@link PluginContext} handed to one plugin: plain values, fixed for the plugin's lifetime. */
record DefaultPluginContext(
        ServerContext server, PluginDescriptor descriptor, Path pluginDirectory, ClassLoader classLoader)
        implements PluginContext {
}
