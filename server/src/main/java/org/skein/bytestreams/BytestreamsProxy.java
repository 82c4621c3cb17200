package org.skein.bytestreams;

import org.skein.component.LocalComponent;
import org.skein.routing.RoutingTable;

/**
 * The node's SOCKS5 bytestreams proxy (XEP-0065): the {@link LocalComponent} at {@code proxy.<domain>}
 * and the relay it announces. Built with the node when {@code xmpp.proxy65.enabled} is true; the node
 * registers {@link #component()}, calls {@link #start()} before it accepts clients and {@link #close()}
 * when it stops.
 */
public final class BytestreamsProxy implements AutoCloseable {

    private final Socks5Relay relay;
    private final ProxyComponent component;

    /**
     * @param settings     the proxy's settings (enabled or not: the caller decides whether to build it)
     * @param domain       the XMPP domain; the proxy lives at {@code proxy.<domain>}
     * @param routingTable where answers to clients go
     * @param threadSuffix names the relay's thread after the node
     */
    public BytestreamsProxy(ProxySettings settings, String domain, RoutingTable routingTable, String threadSuffix) {
        this.relay = new Socks5Relay(settings, threadSuffix);
        this.component = new ProxyComponent("proxy." + domain, relay, settings.host(), routingTable);
    }

    /** The component to register with the node's component registry. */
    public LocalComponent component() {
        return component;
    }

    /**
     * Starts the relay.
     *
     * @throws IllegalStateException naming the keys if it cannot listen
     */
    public void start() {
        relay.start();
    }

    /** The relay's port (the chosen one when configured as 0), or -1 before start. */
    public int port() {
        return relay.port();
    }

    /** Stops the relay and closes its connections. */
    @Override
    public void close() {
        relay.close();
    }
}
