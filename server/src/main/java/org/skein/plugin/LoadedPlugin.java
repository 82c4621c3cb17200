package org.skein.plugin;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;

/**
 * A plugin that the {@link PluginManager} has loaded and started: an immutable snapshot for the admin
 * console and for {@link PluginListener}s. A reload produces a new {@code LoadedPlugin} with a new
 * instance, class loader and folder; the old one then describes a plugin that has been destroyed.
 *
 * @param id the jar's file name without {@code .jar}, such as {@code hazelcast}
 * @param descriptor the plugin's {@code plugin.xml}
 * @param plugin the running instance
 * @param classLoader the plugin's own class loader; closed once the plugin is unloaded
 * @param directory the folder the jar was unpacked into; deleted once the plugin is unloaded
 * @param jarFile the jar in the plugins folder
 * @param loadedAt when {@link Plugin#initializePlugin} returned
 */
public record LoadedPlugin(
        String id,
        PluginDescriptor descriptor,
        Plugin plugin,
        ClassLoader classLoader,
        Path directory,
        Path jarFile,
        Instant loadedAt) {

    public LoadedPlugin {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(descriptor, "descriptor");
        Objects.requireNonNull(plugin, "plugin");
        Objects.requireNonNull(classLoader, "classLoader");
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(jarFile, "jarFile");
        Objects.requireNonNull(loadedAt, "loadedAt");
    }
}
