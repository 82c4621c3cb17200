package org.skein.net;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.skein.config.ConfigException;
import org.skein.session.ClientConnection;
import org.skein.session.StreamHandler;
import org.skein.xmpp.tls.TlsContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's client-to-server listener: a Netty server on NIO for the TCP port and for any other
 * transports added ({@link #addTransport}: XMPP over WebSocket), its event loops
 * ({@code skein-c2s-accept-<node>}, {@code skein-c2s-io-<node>}) and the processing pool
 * ({@code skein-xmpp-<node>}) that runs the XMPP logic of every connection, one task at a time per
 * connection. {@link #close()} says {@code system-shutdown} to every client, closes the connections
 * and stops every thread it started.
 */
public final class C2sListener implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(C2sListener.class);

    private final C2sSettings settings;
    private final TlsContext tls;
    private final Function<ClientConnection, StreamHandler> handlers;
    private final String threadSuffix;
    private final ConnectionRegistry registry = new ConnectionRegistry();
    private final List<Endpoint> endpoints = new ArrayList<>();
    private final ConnectionGate gate;
    private EventLoopGroup acceptGroup;
    private EventLoopGroup ioGroup;
    private ThreadPoolExecutor processingPool;
    private Channel serverChannel;

    /** Another transport on an address of its own, and the keys that configure it (for error messages). */
    private static final class Endpoint {
        final C2sTransport transport;
        final String bindAddress;
        final int port;
        final String keys;
        Channel channel;

        Endpoint(C2sTransport transport, String bindAddress, int port, String keys) {
            this.transport = transport;
            this.bindAddress = bindAddress;
            this.port = port;
            this.keys = keys;
        }
    }

    /**
     * @param settings where to listen and how
     * @param tls the node's TLS context, or {@code null} if STARTTLS is not offered
     * @param handlers makes the XMPP logic of each new connection
     * @param threadSuffix appended to thread names (the node id's first characters)
     */
    public C2sListener(C2sSettings settings, TlsContext tls, Function<ClientConnection, StreamHandler> handlers, String threadSuffix) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.tls = tls;
        this.handlers = Objects.requireNonNull(handlers, "handlers");
        this.threadSuffix = Objects.requireNonNull(threadSuffix, "threadSuffix");
        this.gate = new ConnectionGate(settings.limits(), System::nanoTime);
    }

    /**
     * Serves another transport (XMPP over WebSocket...) on an address of its own, with the same threads,
     * limits and XMPP logic as the TCP port. Call before {@link #start()}.
     *
     * @param port the port, 0 for any free one
     * @param keys the configuration keys of the address, named when it cannot be bound
     */
    public synchronized void addTransport(C2sTransport transport, String bindAddress, int port, String keys) {
        if (serverChannel != null) {
            throw new IllegalStateException("the listener is running already");
        }
        endpoints.add(new Endpoint(Objects.requireNonNull(transport, "transport"), Objects.requireNonNull(bindAddress, "bindAddress"),
                port, keys));
    }

    /**
     * Binds the port (and those of the other transports) and starts accepting clients.
     *
     * @throws ConfigException if an address cannot be bound
     */
    public synchronized void start() {
        if (serverChannel != null) {
            return;
        }
        processingPool = new ThreadPoolExecutor(settings.processingThreads(), settings.processingThreads(), 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), threads("skein-xmpp-" + threadSuffix));
        acceptGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("skein-c2s-accept-" + threadSuffix, true),
                NioIoHandler.newFactory());
        ioGroup = new MultiThreadIoEventLoopGroup(settings.ioThreads(), new DefaultThreadFactory("skein-c2s-io-" + threadSuffix, true),
                NioIoHandler.newFactory());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptGroup, ioGroup)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, settings.outbound().writeBuffer())
                .childHandler(new C2sInitializer(settings, TcpTransport.INSTANCE, tls, processingPool, handlers, registry, gate));
        serverChannel = bind(bootstrap, settings.bindAddress(), settings.port(),
                "'" + C2sSettings.BIND_ADDRESS_KEY + "' and '" + C2sSettings.PORT_KEY + "'");
        LOG.info("Listening for XMPP clients on {}", serverChannel.localAddress());
        for (Endpoint endpoint : endpoints) {
            ServerBootstrap other = bootstrap.clone()
                    .childHandler(new C2sInitializer(settings, endpoint.transport, tls, processingPool, handlers, registry, gate));
            endpoint.channel = bind(other, endpoint.bindAddress, endpoint.port, endpoint.keys);
            LOG.info("Listening for XMPP clients ({}) on {}", endpoint.transport.name(), endpoint.channel.localAddress());
        }
    }

    private Channel bind(ServerBootstrap bootstrap, String address, int port, String keys) {
        try {
            return bootstrap.bind(new InetSocketAddress(address, port)).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            close();
            throw new ConfigException("cannot listen for clients on " + address + ":" + port
                    + " (keys " + keys + ", expected a free port on a local address): " + e.getMessage(), e);
        }
    }

    /** The port a transport added with {@link #addTransport} is bound to, or -1 when not listening. */
    public synchronized int port(C2sTransport transport) {
        for (Endpoint endpoint : endpoints) {
            if (endpoint.transport == transport && endpoint.channel != null) {
                return ((InetSocketAddress) endpoint.channel.localAddress()).getPort();
            }
        }
        return -1;
    }

    /** The port the listener is bound to (the chosen one when the configured port is 0), or -1 when not listening. */
    public synchronized int port() {
        return serverChannel == null ? -1 : ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** How many client connections are open. */
    public int connectionCount() {
        return registry.size();
    }

    /** The largest backlog (bytes waiting for the socket) one client connection has had since the listener started. */
    public long peakBacklogBytes() {
        return registry.peakBacklogBytes();
    }

    /** How many client connections were ended because their client did not read what was sent to it. */
    public long stalledConnectionCount() {
        return registry.stalledCount();
    }

    /** How many times reading from a client connection was paused because it sent faster than its inbound rate. */
    public long inboundPauseCount() {
        return registry.inboundPauseCount();
    }

    /** How many client connections are open and not logged in yet. */
    public int pendingLoginCount() {
        return gate.pendingLogins();
    }

    @Override
    public synchronized void close() {
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
            serverChannel = null;
        }
        for (Endpoint endpoint : endpoints) {
            if (endpoint.channel != null) {
                endpoint.channel.close().syncUninterruptibly();
                endpoint.channel = null;
            }
        }
        registry.closeAll(3000);
        if (ioGroup != null) {
            ioGroup.shutdownGracefully(100, 3000, TimeUnit.MILLISECONDS).syncUninterruptibly();
        }
        if (acceptGroup != null) {
            acceptGroup.shutdownGracefully(0, 1000, TimeUnit.MILLISECONDS).syncUninterruptibly();
        }
        if (processingPool != null) {
            processingPool.shutdown();
            try {
                if (!processingPool.awaitTermination(5, TimeUnit.SECONDS)) {
                    processingPool.shutdownNow();
                    processingPool.awaitTermination(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                processingPool.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        ioGroup = null;
        acceptGroup = null;
        processingPool = null;
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
