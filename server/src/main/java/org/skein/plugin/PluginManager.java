package org.skein.plugin;

/** Placeholder; replaced by the real plugin manager in this same change. */
public final class PluginManager {
}
