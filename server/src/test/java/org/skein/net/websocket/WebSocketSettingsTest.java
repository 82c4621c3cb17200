package org.skein.net.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.skein.config.ConfigException;
import org.skein.config.ServerConfig;
import org.skein.net.C2sSettings;

class WebSocketSettingsTest {

    private static WebSocketSettings read(Map<String, String> values) {
        ServerConfig config = ServerConfig.inMemory(values);
        return WebSocketSettings.from(config, C2sSettings.from(config));
    }

    @Test
    void defaults() {
        WebSocketSettings settings = read(Map.of());
        assertThat(settings.enabled()).isTrue();
        assertThat(settings.port()).isEqualTo(5280);
        assertThat(settings.tlsPort()).isEqualTo(5443);
        assertThat(settings.bindAddress()).isEqualTo("0.0.0.0");
        assertThat(settings.path()).isEqualTo("/xmpp-websocket");
        assertThat(settings.origins()).isEmpty();
        assertThat(settings.allowsOrigin("https://anything.example")).isTrue();
        assertThat(settings.trustProxyHeaders()).isFalse();
    }

    @Test
    void aNodeOnAnyFreeClientPortTakesAnyFreeWebSocketPortsAndTheClientBindAddress() {
        WebSocketSettings settings = read(Map.of("xmpp.c2s.port", "0", "xmpp.c2s.bindAddress", "127.0.0.1"));
        assertThat(settings.port()).isZero();
        assertThat(settings.tlsPort()).isZero();
        assertThat(settings.bindAddress()).isEqualTo("127.0.0.1");
        assertThat(read(Map.of("xmpp.c2s.port", "0", "xmpp.websocket.port", "-1")).port()).isEqualTo(-1);
    }

    @Test
    void originsAreCompared() {
        WebSocketSettings settings = read(Map.of("xmpp.websocket.origins", "https://Chat.example.org, http://localhost:8080"));
        assertThat(settings.allowsOrigin("https://chat.example.org")).isTrue();
        assertThat(settings.allowsOrigin("http://localhost:8080")).isTrue();
        assertThat(settings.allowsOrigin("http://localhost:8081")).isFalse();
        assertThat(settings.allowsOrigin(null)).as("not a browser").isTrue();
    }

    @Test
    void badValuesNameTheKeyAndWhatWasExpected() {
        assertThatThrownBy(() -> read(Map.of("xmpp.websocket.port", "70000"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("xmpp.websocket.port").hasMessageContaining("expected");
        assertThatThrownBy(() -> read(Map.of("xmpp.websocket.path", "ws"))).hasMessageContaining("xmpp.websocket.path");
        assertThatThrownBy(() -> read(Map.of("xmpp.websocket.path", "/.well-known/x"))).hasMessageContaining("xmpp.websocket.path");
        assertThatThrownBy(() -> read(Map.of("xmpp.websocket.origins", "chat.example.org"))).hasMessageContaining("xmpp.websocket.origins")
                .hasMessageContaining("https://chat.example.org");
        assertThatThrownBy(() -> read(Map.of("xmpp.websocket.url", "https://example.org/ws"))).hasMessageContaining("xmpp.websocket.url");
        assertThatThrownBy(() -> read(Map.of("xmpp.websocket.handshakeTimeout", "-1"))).hasMessageContaining("xmpp.websocket.handshakeTimeout");
        assertThatThrownBy(() -> read(Map.of("xmpp.websocket.enabled", "maybe"))).hasMessageContaining("xmpp.websocket.enabled");
    }
}
