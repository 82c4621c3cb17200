package org.skein.hazelcast.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.skein.config.ConfigException;
import org.skein.config.ServerConfig;

class PluginSettingsTest {

    private static final Path HOME = Path.of("/srv/skein");

    private static PluginSettings read(Map<String, String> values) {
        return PluginSettings.from(ServerConfig.inMemory(values), HOME);
    }

    @Test
    void defaultsDropAFrozenNodeWithinTenSecondsAndBoundTheTaskQueue() {
        PluginSettings settings = read(Map.of());

        assertThat(settings.localConfigFile()).isEqualTo(HOME.resolve("conf/hazelcast-local-config.xml"));
        assertThat(settings.cacheConfigFile()).isEmpty();
        assertThat(settings.startupRetries()).isEqualTo(2);
        assertThat(settings.heartbeatInterval().plus(settings.heartbeatTimeout())).isLessThanOrEqualTo(Duration.ofSeconds(10));
        assertThat(settings.taskThreads()).isEqualTo(8);
        assertThat(settings.taskQueue()).isEqualTo(10_000);
        assertThat(settings.mergeFirstRunDelay()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void readsEveryKey() {
        PluginSettings settings = read(Map.of("hazelcast.localConfig", "etc/local.xml", "hazelcast.cacheConfig", "/etc/caches.xml",
                "hazelcast.startup.retries", "0", "hazelcast.startup.retryDelay", "500ms", "hazelcast.heartbeat.interval", "2s",
                "hazelcast.heartbeat.timeout", "20s", "hazelcast.merge.firstRunDelay", "5s", "hazelcast.merge.nextRunDelay", "1m",
                "cluster.task.threads", "3", "cluster.task.queue", "50"));

        assertThat(settings.localConfigFile()).isEqualTo(HOME.resolve("etc/local.xml"));
        assertThat(settings.cacheConfigFile()).contains(Path.of("/etc/caches.xml"));
        assertThat(settings.startupRetryDelay()).isEqualTo(Duration.ofMillis(500));
        assertThat(settings.heartbeatTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(settings.mergeNextRunDelay()).isEqualTo(Duration.ofMinutes(1));
        assertThat(settings.taskThreads()).isEqualTo(3);
        assertThat(settings.taskQueue()).isEqualTo(50);
    }

    @Test
    void errorsNameTheFileTheKeyAndWhatWasExpected() {
        assertThatThrownBy(() -> read(Map.of("hazelcast.heartbeat.timeout", "1500ms")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("(in-memory configuration)")
                .hasMessageContaining("'hazelcast.heartbeat.timeout' is '1500ms'")
                .hasMessageContaining("expected whole seconds");
        assertThatThrownBy(() -> read(Map.of("hazelcast.heartbeat.interval", "5s", "hazelcast.heartbeat.timeout", "6s")))
                .hasMessageContaining("'hazelcast.heartbeat.timeout'").hasMessageContaining("at least twice hazelcast.heartbeat.interval");
        assertThatThrownBy(() -> read(Map.of("cluster.task.queue", "0")))
                .hasMessageContaining("'cluster.task.queue' is '0'").hasMessageContaining("bounded");
        assertThatThrownBy(() -> read(Map.of("hazelcast.startup.retries", "many")))
                .hasMessageContaining("'hazelcast.startup.retries' is 'many'").hasMessageContaining("whole number");
        assertThatThrownBy(() -> read(Map.of("hazelcast.startup.retryDelay", "-1")))
                .hasMessageContaining("'hazelcast.startup.retryDelay' is '-1'");
    }

    @Test
    void theClusterSecretIsOptionalCheckedAndNeverShown() {
        assertThat(read(Map.of()).secret()).isEmpty();
        assertThat(read(Map.of()).handshakeTimeout()).hasSeconds(10);
        PluginSettings settings = read(Map.of("cluster.secret", "a secret of 16+ chars", "hazelcast.handshake.timeout", "3s"));
        assertThat(settings.secret()).isPresent();
        assertThat(settings.handshakeTimeout()).hasSeconds(3);
        assertThat(settings.toString()).doesNotContain("a secret of 16+ chars");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> read(Map.of("cluster.secret", "short one")))
                .hasMessageContaining("'cluster.secret'").hasMessageContaining("at least 16 characters")
                .hasMessageNotContaining("short one");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> read(Map.of("hazelcast.handshake.timeout", "100ms")))
                .hasMessageContaining("'hazelcast.handshake.timeout'");
    }
}
