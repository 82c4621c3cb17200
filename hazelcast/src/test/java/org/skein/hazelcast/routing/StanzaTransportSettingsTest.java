package org.skein.hazelcast.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.skein.config.ConfigException;
import org.skein.config.ServerConfig;

class StanzaTransportSettingsTest {

    private static StanzaTransportSettings read(Map<String, String> values) {
        return StanzaTransportSettings.from(ServerConfig.inMemory(values));
    }

    @Test
    void byDefaultTheDirectStreamOnAnyFreePortWithTls() {
        StanzaTransportSettings settings = read(Map.of());
        assertThat(settings).isEqualTo(new StanzaTransportSettings(StanzaTransportSettings.Kind.DIRECT, false, 0, Optional.empty(), true));
    }

    @Test
    void theKeysAreRead() {
        StanzaTransportSettings settings = read(Map.of("cluster.stanzaTransport", " Hazelcast ", "cluster.stanzaPort", "5710",
                "cluster.stanzaBindAddress", "10.0.0.11", "cluster.stanzaTls", "false"));
        assertThat(settings).isEqualTo(new StanzaTransportSettings(StanzaTransportSettings.Kind.HAZELCAST, true, 5710,
                Optional.of("10.0.0.11"), false));
    }

    @Test
    void badValuesNameTheKeyAndWhatIsExpected() {
        assertThatThrownBy(() -> read(Map.of("cluster.stanzaTransport", "netty"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("cluster.stanzaTransport").hasMessageContaining("'hazelcast' or 'direct'");
        assertThatThrownBy(() -> read(Map.of("cluster.stanzaPort", "70000"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("cluster.stanzaPort").hasMessageContaining("0 to 65535");
        assertThatThrownBy(() -> read(Map.of("cluster.stanzaTls", "maybe"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("cluster.stanzaTls").hasMessageContaining("true or false");
    }
}
