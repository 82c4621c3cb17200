package org.skein.net;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.skein.session.ClientConnection;
import org.skein.session.StreamHandler;
import org.skein.xmpp.stream.XmlStreamDecoder;
import org.skein.xmpp.tls.TlsContext;

/** Builds the pipeline of each new client connection. Shareable: it only reads its final fields. */
final class C2sInitializer extends ChannelInitializer<SocketChannel> {

    static final String TLS = "tls";
    static final String IDLE = "idle";
    static final String DECODER = "xml";
    static final String HANDLER = "c2s";

    private final C2sSettings settings;
    private final TlsContext tls;
    private final Executor processingPool;
    private final Function<ClientConnection, StreamHandler> handlers;
    private final ConnectionRegistry registry;
    private final ConnectionGate gate;

    C2sInitializer(C2sSettings settings, TlsContext tls, Executor processingPool,
                   Function<ClientConnection, StreamHandler> handlers, ConnectionRegistry registry, ConnectionGate gate) {
        this.settings = settings;
        this.tls = tls;
        this.processingPool = processingPool;
        this.handlers = handlers;
        this.registry = registry;
        this.gate = gate;
    }

    @Override
    public boolean isSharable() {
        return true;
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        ChannelPipeline pipeline = channel.pipeline();
        if (settings.idleTimeout() != null) {
            pipeline.addLast(IDLE, new IdleStateHandler(settings.idleTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS));
        }
        pipeline.addLast(DECODER, new XmlStreamDecoder(settings.stanzaLimits()));
        pipeline.addLast(HANDLER, new C2sChannelHandler(new SerialExecutor(processingPool), tls, handlers, registry, gate,
                settings.limits().loginTimeout()));
    }
}
