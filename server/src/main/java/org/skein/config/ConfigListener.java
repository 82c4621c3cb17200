package org.skein.config;

/**
 * Told when a key of a {@link ServerConfig} changes through {@link ServerConfig#set}. Called on the
 * thread that made the change; keep it short and never block.
 */
@FunctionalInterface
public interface ConfigListener {

    /**
     * @param key the key that changed
     * @param oldValue the value before, or {@code null} if the key was absent
     * @param newValue the value now, or {@code null} if the key was removed
     */
    void changed(String key, String oldValue, String newValue);
}
