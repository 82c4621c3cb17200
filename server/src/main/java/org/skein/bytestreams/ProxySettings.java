package org.skein.bytestreams;

import java.time.Duration;
import org.skein.config.ConfigException;
import org.skein.config.ServerConfig;

/**
 * The SOCKS5 bytestreams proxy's settings, read once from the node's configuration.
 *
 * @param enabled           {@code xmpp.proxy65.enabled}, default false
 * @param bindAddress       {@code xmpp.proxy65.bindAddress}, default the client listener's ({@code xmpp.c2s.bindAddress})
 * @param port              {@code xmpp.proxy65.port}, default 7777; 0 for any free port
 * @param host              {@code xmpp.proxy65.host}: the address clients are told to connect to; default the
 *                          bind address, or the XMPP domain when that is a wildcard (0.0.0.0, ::). Each node of
 *                          a cluster announces its own: set it per node.
 * @param waitForActivation {@code xmpp.proxy65.activationTimeout}, default 60s: how long a connection may wait
 *                          for its partner and the activation before it is closed
 * @param maxWaiting        {@code xmpp.proxy65.maxWaiting}, default 1000: connections waiting for activation at
 *                          once; more are refused
 */
public record ProxySettings(boolean enabled, String bindAddress, int port, String host, Duration waitForActivation,
                            int maxWaiting) {

    public static final String ENABLED_KEY = "xmpp.proxy65.enabled";
    public static final String BIND_ADDRESS_KEY = "xmpp.proxy65.bindAddress";
    public static final String PORT_KEY = "xmpp.proxy65.port";
    public static final String HOST_KEY = "xmpp.proxy65.host";
    public static final String ACTIVATION_TIMEOUT_KEY = "xmpp.proxy65.activationTimeout";
    public static final String MAX_WAITING_KEY = "xmpp.proxy65.maxWaiting";

    /**
     * @param c2sBindAddress the client listener's bind address (the default bind address)
     * @param domain         the XMPP domain (the announced host when the proxy binds a wildcard address)
     * @throws ConfigException naming the file, the key and what was expected, for a bad value
     */
    public static ProxySettings from(ServerConfig config, String c2sBindAddress, String domain) {
        boolean enabled = config.getBoolean(ENABLED_KEY, false);
        String bind = config.get(BIND_ADDRESS_KEY, c2sBindAddress).trim();
        if (bind.isEmpty()) {
            throw new ConfigException(config.source() + ": key '" + BIND_ADDRESS_KEY
                    + "' is empty, expected an IP address such as 0.0.0.0 or 127.0.0.1");
        }
        int port = config.getInt(PORT_KEY, 7777);
        if (port < 0 || port > 65535) {
            throw new ConfigException(config.source() + ": key '" + PORT_KEY + "' is '" + port
                    + "', expected a TCP port from 0 (any free port) to 65535");
        }
        boolean wildcard = bind.equals("0.0.0.0") || bind.equals("::") || bind.equals("[::]");
        String host = config.get(HOST_KEY, wildcard ? domain : bind).trim();
        if (host.isEmpty()) {
            throw new ConfigException(config.source() + ": key '" + HOST_KEY
                    + "' is empty, expected the host name or IP address clients reach this node's proxy at");
        }
        Duration wait = config.getDuration(ACTIVATION_TIMEOUT_KEY, Duration.ofSeconds(60));
        if (wait == null || wait.isZero()) {
            throw new ConfigException(config.source() + ": key '" + ACTIVATION_TIMEOUT_KEY + "' is '"
                    + config.get(ACTIVATION_TIMEOUT_KEY, "") + "', expected a positive duration such as 60s");
        }
        int maxWaiting = config.getInt(MAX_WAITING_KEY, 1000);
        if (maxWaiting < 2) {
            throw new ConfigException(config.source() + ": key '" + MAX_WAITING_KEY + "' is '" + maxWaiting
                    + "', expected a number of connections of at least 2");
        }
        return new ProxySettings(enabled, bind, port, host, wait, maxWaiting);
    }
}
