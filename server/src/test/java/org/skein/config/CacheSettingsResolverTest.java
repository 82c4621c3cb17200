package org.skein.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.skein.cache.CacheSettings;

class CacheSettingsResolverTest {

    private final CacheSettingsResolver resolver = new CacheSettingsResolver(ServerConfig.inMemory(Map.of(
            "cache.users.maxSize", "64KiB",
            "cache.users.maxLifetime", "30m",
            "cache.default.maxSize", "1MiB",
            "cache.broken.maxSize", "huge",
            "cache.zero.maxLifetime", "0s")));

    @Test
    void budgetsAndLifetimesComeFromConfigurationByName() {
        assertThat(resolver.resolve("users")).isEqualTo(new CacheSettings(64 * 1024, Duration.ofMinutes(30).toMillis()));
        assertThat(resolver.resolve("Some Other Cache"))
                .isEqualTo(new CacheSettings(1024 * 1024, Duration.ofHours(6).toMillis()));
    }

    @Test
    void theServersOwnCachesHaveShippedDefaults() {
        assertThat(resolver.resolve("routes.users")).isEqualTo(CacheSettings.UNLIMITED);
    }

    @Test
    void keysAreTheNameInLowerCaseWithDashes() {
        assertThat(CacheSettingsResolver.key("Routing  Users")).isEqualTo("cache.routing-users");
    }

    @Test
    void aBadBudgetNamesTheKey() {
        assertThatThrownBy(() -> resolver.resolve("broken"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cache.broken.maxSize")
                .hasMessageContaining("'huge'");
        assertThatThrownBy(() -> resolver.resolve("zero"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cache.zero.maxLifetime");
    }
}
