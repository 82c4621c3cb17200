package org.skein.plugin;

/**
 * A loaded plugin as the manager keeps it: the public view, the class loader to close when it is
 * unloaded, and the jar version it came from (to notice when the jar changes).
 */
record Deployment(LoadedPlugin plugin, PluginClassLoader classLoader, JarFingerprint fingerprint, String contentHash) {

    /** The same plugin, now known by a new fingerprint of an unchanged jar (touched or copied over with the same bytes). */
    Deployment withFingerprint(JarFingerprint newFingerprint) {
        return new Deployment(plugin, classLoader, newFingerprint, contentHash);
    }
}
