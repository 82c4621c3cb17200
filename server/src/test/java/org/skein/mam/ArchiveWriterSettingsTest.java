package org.skein.mam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.skein.config.ConfigException;
import org.skein.config.ServerConfig;

/** The archive writer's keys: defaults, values, and errors that name the key and what was expected. */
class ArchiveWriterSettingsTest {

    @Test
    void defaultsAndValues() {
        assertThat(ArchiveWriterSettings.from(ServerConfig.inMemory(Map.of()))).isEqualTo(ArchiveWriterSettings.DEFAULTS);
        ArchiveWriterSettings set = ArchiveWriterSettings.from(ServerConfig.inMemory(Map.of(ArchiveWriterSettings.QUEUE_KEY, "200",
                ArchiveWriterSettings.BATCH_KEY, "20", ArchiveWriterSettings.FULL_WAIT_KEY, "250ms", ArchiveWriterSettings.MAX_RETRY_KEY, "2s",
                ArchiveWriterSettings.CLOSE_TIMEOUT_KEY, "1m", ArchiveWriterSettings.LINGER_KEY, "5ms")));
        assertThat(set).isEqualTo(new ArchiveWriterSettings(200, 20, Duration.ofMillis(250), ArchiveWriterSettings.DEFAULTS.firstRetry(),
                Duration.ofSeconds(2), Duration.ofMinutes(1), Duration.ofMillis(5)));
        assertThat(ArchiveWriterSettings.from(ServerConfig.inMemory(Map.of(ArchiveWriterSettings.LINGER_KEY, "0"))).linger()).isZero();
    }

    @Test
    void badValuesNameTheKeyAndWhatWasExpected() {
        assertThatThrownBy(() -> ArchiveWriterSettings.from(ServerConfig.inMemory(Map.of(ArchiveWriterSettings.QUEUE_KEY, "0"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'mam.writer.queue' is '0', expected a number of queued messages");
        assertThatThrownBy(() -> ArchiveWriterSettings.from(ServerConfig.inMemory(Map.of(ArchiveWriterSettings.BATCH_KEY, "many"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("mam.writer.batch");
        assertThatThrownBy(() -> ArchiveWriterSettings.from(ServerConfig.inMemory(Map.of(ArchiveWriterSettings.MAX_RETRY_KEY, "-1"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'mam.writer.maxRetry' is '-1', expected a duration");
        assertThatThrownBy(() -> ArchiveWriterSettings.from(ServerConfig.inMemory(Map.of(ArchiveWriterSettings.CLOSE_TIMEOUT_KEY, "soon"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("mam.writer.closeTimeout");
    }
}
