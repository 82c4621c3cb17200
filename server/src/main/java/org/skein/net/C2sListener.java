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
 * The node's client-to-server listener: a Netty server on NIO, its event loops
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
    private final ConnectionGate gate;
    private EventLoopGroup acceptGroup;
    private EventLoopGroup ioGroup;
    private ThreadPoolExecutor processingPool;
    private Channel serverChannel;

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
     * Binds the port and starts accepting clients.
     *
     * @throws ConfigException if the address cannot be bound
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
                .childHandler(new C2sInitializer(settings, tls, processingPool, handlers, registry, gate));
        try {
            serverChannel = bootstrap.bind(new InetSocketAddress(settings.bindAddress(), settings.port())).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            close();
            throw new ConfigException("cannot listen for clients on " + settings.bindAddress() + ":" + settings.port()
                    + " (keys '" + C2sSettings.BIND_ADDRESS_KEY + "' and '" + C2sSettings.PORT_KEY
                    + "', expected a free port on a local address): " + e.getMessage(), e);
        }
        LOG.info("Listening for XMPP clients on {}", serverChannel.localAddress());
    }

    /** The port the listener is bound to (the chosen one when the configured port is 0), or -1 when not listening. */
    public synchronized int port() {
        return serverChannel == null ? -1 : ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** How many client connections are open. */
    public int connectionCount() {
        return registry.size();
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
