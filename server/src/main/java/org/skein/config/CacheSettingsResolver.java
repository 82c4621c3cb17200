package org.skein.config;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import org.skein.cache.CacheSettings;

/**
 * Finds the budget and lifetime of a cache by name: the node's configuration
 * ({@code cache.<name>.maxSize}, {@code cache.<name>.maxLifetime}) first, then the defaults the server
 * ships for its own caches ({@code cache-defaults.properties} beside this class), then the node-wide
 * defaults {@code cache.default.maxSize} (4MiB) and {@code cache.default.maxLifetime} (6h).
 *
 * <p>Names are normalised for the keys: lower case, runs of whitespace as one {@code -}. The cache
 * "Routing Users" is configured as {@code cache.routing-users.maxSize}.
 */
public final class CacheSettingsResolver {

    static final String DEFAULTS_RESOURCE = "cache-defaults.properties";
    private static final long DEFAULT_MAX_SIZE = 4L * 1024 * 1024;
    private static final Duration DEFAULT_MAX_LIFETIME = Duration.ofHours(6);

    private final ServerConfig config;
    private final ServerConfig shipped;

    /** @param config the node's configuration */
    public CacheSettingsResolver(ServerConfig config) {
        this.config = config;
        this.shipped = ServerConfig.inMemory(loadShippedDefaults());
    }

    /**
     * The configuration key prefix of a cache: {@code cache.<name>} with the name in lower case and
     * whitespace as {@code -}; append {@code .maxSize} or {@code .maxLifetime}.
     */
    public static String key(String cacheName) {
        if (cacheName == null || cacheName.isBlank()) {
            throw new IllegalArgumentException("a cache needs a name");
        }
        return "cache." + cacheName.trim().toLowerCase(Locale.ROOT).replaceAll("\\s+", "-");
    }

    /**
     * The budget and lifetime of the cache with this name.
     *
     * @throws ConfigException if the configuration gives it a size or lifetime of 0
     */
    public CacheSettings resolve(String cacheName) {
        String key = key(cacheName);
        long defaultSize = config.getByteSize("cache.default.maxSize", DEFAULT_MAX_SIZE);
        Duration defaultLifetime = config.getDuration("cache.default.maxLifetime", DEFAULT_MAX_LIFETIME);
        long maxSize = config.getByteSize(key + ".maxSize", shipped.getByteSize(key + ".maxSize", defaultSize));
        Duration lifetime = config.getDuration(key + ".maxLifetime", shipped.getDuration(key + ".maxLifetime", defaultLifetime));
        if (maxSize == 0 || (lifetime != null && lifetime.isZero())) {
            throw new ConfigException(config.source() + ": cache '" + cacheName + "' (keys " + key + ".maxSize and "
                    + key + ".maxLifetime) must have a positive size and lifetime, or -1 for unlimited");
        }
        return new CacheSettings(maxSize, lifetime == null ? -1 : lifetime.toMillis());
    }

    private static java.util.Map<String, String> loadShippedDefaults() {
        Properties properties = new Properties();
        try (InputStream in = CacheSettingsResolver.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the server's " + DEFAULTS_RESOURCE, e);
        }
        java.util.Map<String, String> map = new java.util.HashMap<>();
        properties.forEach((k, v) -> map.put("cache." + k.toString().trim(), v.toString().trim()));
        return map;
    }
}
