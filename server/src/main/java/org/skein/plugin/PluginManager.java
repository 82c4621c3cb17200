package org.skein.plugin;

import java.nio.file.Path;
import java.time.Duration;
import org.skein.ServerContext;

/** Placeholder; replaced by the real plugin manager in this same change. */
public final class PluginManager implements AutoCloseable {
    public PluginManager(ServerContext server, Path pluginsDirectory, Path workDirectory, Duration scanInterval) {
    }

    public void start() {
    }

    @Override
    public void close() {
    }
}
