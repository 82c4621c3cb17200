package org.skein.net.websocket;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.skein.config.ConfigException;
import org.skein.config.ServerConfig;
import org.skein.net.C2sSettings;

/**
 * Where and how a node serves XMPP over WebSocket (RFC 7395) and XEP-0156 host-meta, read once from
 * the configuration. The stanza size limit and the idle timeout are the client port's
 * ({@code xmpp.stanza.maxSize}, {@code xmpp.idleTimeout}).
 *
 * @param enabled {@code xmpp.websocket.enabled}, default true
 * @param bindAddress {@code xmpp.websocket.bindAddress}, default the client port's {@code xmpp.c2s.bindAddress}
 * @param port {@code xmpp.websocket.port}: plain {@code ws://}, default 5280 (0 when {@code xmpp.c2s.port}
 *        is 0); 0 any free port; -1 off
 * @param tlsPort {@code xmpp.websocket.tls.port}: {@code wss://} with the node's certificate, default 5443
 *        (0 when {@code xmpp.c2s.port} is 0); 0 any free port; -1 off
 * @param path {@code xmpp.websocket.path}, default {@code /xmpp-websocket}
 * @param origins {@code xmpp.websocket.origins}: the browser origins allowed to connect, lower case
 *        ({@code https://chat.example.org}); empty for any (the default, {@code *}). Clients that send
 *        no {@code Origin} (not browsers) are always allowed.
 * @param publicUrl {@code xmpp.websocket.url}: the address host-meta announces; empty to derive it
 *        from each request ({@code Host}, and {@code X-Forwarded-Proto} when proxy headers are trusted)
 * @param trustProxyHeaders {@code xmpp.websocket.trustProxyHeaders}, default false: believe
 *        {@code X-Forwarded-For} (the client's address, for sessions and throttling) and
 *        {@code X-Forwarded-Proto: https} (the connection counts as encrypted) on the upgrade request.
 *        Only for ports that nothing but the reverse proxy can reach.
 * @param handshakeTimeout {@code xmpp.websocket.handshakeTimeout}, default 10s: how long a connection
 *        may stay before its WebSocket handshake completes
 */
public record WebSocketSettings(boolean enabled, String bindAddress, int port, int tlsPort, String path, Set<String> origins,
                                String publicUrl, boolean trustProxyHeaders, Duration handshakeTimeout) {

    public static final String ENABLED_KEY = "xmpp.websocket.enabled";
    public static final String BIND_ADDRESS_KEY = "xmpp.websocket.bindAddress";
    public static final String PORT_KEY = "xmpp.websocket.port";
    public static final String TLS_PORT_KEY = "xmpp.websocket.tls.port";
    public static final String PATH_KEY = "xmpp.websocket.path";
    public static final String ORIGINS_KEY = "xmpp.websocket.origins";
    public static final String URL_KEY = "xmpp.websocket.url";
    public static final String TRUST_PROXY_KEY = "xmpp.websocket.trustProxyHeaders";
    public static final String HANDSHAKE_TIMEOUT_KEY = "xmpp.websocket.handshakeTimeout";

    public WebSocketSettings {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(path, "path");
        origins = Set.copyOf(origins);
        Objects.requireNonNull(publicUrl, "publicUrl");
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
    }

    /** @throws ConfigException naming the file, the key and what was expected, for a bad value */
    public static WebSocketSettings from(ServerConfig config, C2sSettings c2s) {
        boolean enabled = config.getBoolean(ENABLED_KEY, true);
        String bind = config.get(BIND_ADDRESS_KEY, c2s.bindAddress()).trim();
        if (bind.isEmpty()) {
            throw new ConfigException(config.source() + ": key '" + BIND_ADDRESS_KEY
                    + "' is empty, expected an IP address such as 0.0.0.0 or 127.0.0.1");
        }
        // a node on any free client port (tests, embedded nodes) takes any free WebSocket ports too
        boolean anyPort = c2s.port() == 0;
        int port = port(config, PORT_KEY, anyPort ? 0 : 5280);
        int tlsPort = port(config, TLS_PORT_KEY, anyPort ? 0 : 5443);
        String path = config.get(PATH_KEY, "/xmpp-websocket").trim();
        if (!path.startsWith("/") || path.length() < 2 || path.startsWith("/.well-known/") || !path.matches("[A-Za-z0-9/._~-]+")) {
            throw new ConfigException(config.source() + ": key '" + PATH_KEY + "' is '" + path
                    + "', expected a URL path such as /xmpp-websocket (letters, digits, / . _ ~ -)");
        }
        Set<String> origins = origins(config);
        String url = config.get(URL_KEY, "").trim();
        if (!url.isEmpty()) {
            checkUrl(config, url);
        }
        Duration handshake = config.getDuration(HANDSHAKE_TIMEOUT_KEY, Duration.ofSeconds(10));
        if (handshake == null || handshake.isZero()) {
            throw new ConfigException(config.source() + ": key '" + HANDSHAKE_TIMEOUT_KEY + "' is '"
                    + config.get(HANDSHAKE_TIMEOUT_KEY, "") + "', expected a positive duration such as 10s");
        }
        return new WebSocketSettings(enabled, bind, port, tlsPort, path, origins, url, config.getBoolean(TRUST_PROXY_KEY, false),
                handshake);
    }

    /** Whether a browser of this origin may connect (an absent origin is not a browser's: always). */
    public boolean allowsOrigin(String origin) {
        return origin == null || origins.isEmpty() || origins.contains(origin.trim().toLowerCase(Locale.ROOT));
    }

    private static int port(ServerConfig config, String key, int defaultValue) {
        int port = config.getInt(key, defaultValue);
        if (port < -1 || port > 65535) {
            throw new ConfigException(config.source() + ": key '" + key + "' is '" + port
                    + "', expected a TCP port from 0 (any free port) to 65535, or -1 for none");
        }
        return port;
    }

    private static Set<String> origins(ServerConfig config) {
        String value = config.get(ORIGINS_KEY, "*").trim();
        if (value.equals("*") || value.isEmpty()) {
            return Set.of();
        }
        Set<String> origins = Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .map(s -> s.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        for (String origin : origins) {
            if (!origin.matches("https?://[a-z0-9.\\-\\[\\]:]+")) {
                throw new ConfigException(config.source() + ": key '" + ORIGINS_KEY + "' holds '" + origin
                        + "', expected * or origins separated by commas, such as https://chat.example.org,http://localhost:8080"
                        + " (scheme and host, and the port if it is not the scheme's)");
            }
        }
        return origins;
    }

    private static void checkUrl(ServerConfig config, String url) {
        try {
            URI uri = new URI(url);
            if (("ws".equals(uri.getScheme()) || "wss".equals(uri.getScheme())) && uri.getHost() != null) {
                return;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new ConfigException(config.source() + ": key '" + URL_KEY + "' is '" + url
                + "', expected the WebSocket address clients use, such as wss://chat.example.org/xmpp-websocket");
    }
}
