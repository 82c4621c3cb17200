package org.skein.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigTest {

    @TempDir
    Path dir;

    @Test
    void readsTypedValues() {
        ServerConfig config = ServerConfig.inMemory(Map.of(
                "a.size", "64MiB", "b.size", "512", "c.size", "-1", "d.size", "256KB",
                "a.time", "30s", "b.time", "6h", "c.time", "-1", "d.time", "250",
                "flag", "true", "n", "42"));

        assertThat(config.getByteSize("a.size", 0)).isEqualTo(64L * 1024 * 1024);
        assertThat(config.getByteSize("b.size", 0)).isEqualTo(512);
        assertThat(config.getByteSize("c.size", 0)).isEqualTo(-1);
        assertThat(config.getByteSize("d.size", 0)).isEqualTo(256L * 1024);
        assertThat(config.getByteSize("missing", 7)).isEqualTo(7);
        assertThat(config.getDuration("a.time", null)).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.getDuration("b.time", null)).isEqualTo(Duration.ofHours(6));
        assertThat(config.getDuration("c.time", Duration.ZERO)).isNull();
        assertThat(config.getDuration("d.time", null)).isEqualTo(Duration.ofMillis(250));
        assertThat(config.getBoolean("flag", false)).isTrue();
        assertThat(config.getInt("n", 0)).isEqualTo(42);
    }

    @Test
    void badValuesNameTheFileTheKeyAndWhatWasExpected() throws Exception {
        Path file = dir.resolve("skein.properties");
        Files.writeString(file, "cache.users.maxSize=lots\nclustering.enabled=maybe\nxmpp.port=five\n");
        ServerConfig config = ServerConfig.load(file);

        assertThatThrownBy(() -> config.getByteSize("cache.users.maxSize", 1))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("cache.users.maxSize")
                .hasMessageContaining("'lots'")
                .hasMessageContaining("expected a size");
        assertThatThrownBy(() -> config.getBoolean("clustering.enabled", false))
                .hasMessageContaining("clustering.enabled").hasMessageContaining("true or false");
        assertThatThrownBy(() -> config.getInt("xmpp.port", 1))
                .hasMessageContaining("xmpp.port").hasMessageContaining("a whole number");
    }

    @Test
    void setRewritesTheLineInPlaceAndKeepsComments() throws Exception {
        Path file = dir.resolve("conf").resolve("skein.properties");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "# The node's settings\n\n# Turn clustering on here\nclustering.enabled=false\nxmpp.port=5222\n");
        ServerConfig config = ServerConfig.load(file);
        List<String> changes = new ArrayList<>();
        config.addListener((key, old, now) -> changes.add(key + ":" + old + "->" + now));

        config.set("clustering.enabled", "true");
        config.set("new.key", "a\\b");

        assertThat(Files.readAllLines(file, StandardCharsets.UTF_8)).containsExactly(
                "# The node's settings", "", "# Turn clustering on here", "clustering.enabled=true", "xmpp.port=5222",
                "new.key=a\\\\b");
        assertThat(changes).containsExactly("clustering.enabled:false->true", "new.key:null->a\\b");
        ServerConfig reloaded = ServerConfig.load(file);
        assertThat(reloaded.getBoolean("clustering.enabled", false)).isTrue();
        assertThat(reloaded.get("new.key", null)).isEqualTo("a\\b");

        config.set("new.key", null);
        assertThat(ServerConfig.load(file).get("new.key")).isEmpty();
    }

    @Test
    void aMissingFileIsAnEmptyConfigurationCreatedOnFirstSet() {
        Path file = dir.resolve("none").resolve("skein.properties");
        ServerConfig config = ServerConfig.load(file);
        assertThat(config.get("x")).isEmpty();
        config.set("x", "1");
        assertThat(ServerConfig.load(file).getInt("x", 0)).isEqualTo(1);
    }
}
