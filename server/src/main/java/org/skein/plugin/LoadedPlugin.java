package org.skein.plugin;

/** Placeholder; replaced by the real type in this same change. */
public final class LoadedPlugin {
}
