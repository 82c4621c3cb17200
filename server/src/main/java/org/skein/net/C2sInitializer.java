package org.skein.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.skein.session.ClientConnection;
import org.skein.session.StreamHandler;
import org.skein.xmpp.stream.XmlStreamDecoder;
import org.skein.xmpp.tls.TlsContext;

/**
 * Builds the pipeline of each new client connection: the transport's front, then (when the transport
 * says the stream may begin) the XML stream decoder and the XMPP handler. Shareable: it only reads its
 * final fields.
 */
final class C2sInitializer extends ChannelInitializer<SocketChannel> {

    static final String TLS = "tls";
    static final String IDLE = "idle";
    static final String DECODER = "xml";
    static final String HANDLER = "c2s";

    private final C2sSettings settings;
    private final C2sTransport transport;
    private final TlsContext tls;
    private final Executor processingPool;
    private final Function<ClientConnection, StreamHandler> handlers;
    private final ConnectionRegistry registry;
    private final ConnectionGate gate;

    /** @param tls the TLS context for STARTTLS on this transport, or null */
    C2sInitializer(C2sSettings settings, C2sTransport transport, TlsContext tls, Executor processingPool,
                   Function<ClientConnection, StreamHandler> handlers, ConnectionRegistry registry, ConnectionGate gate) {
        this.settings = settings;
        this.transport = transport;
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
        transport.initChannel(channel, settings, this::startStream);
    }

    private void startStream(Channel channel, boolean encrypted, InetSocketAddress clientAddress) {
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.addLast(DECODER, new XmlStreamDecoder(settings.stanzaLimits(),
                transport.dropsElementsBeforeHeader() ? settings.stanzaLimits().maxBytes() : 0));
        pipeline.addLast(HANDLER, new C2sChannelHandler(new SerialExecutor(processingPool), transport,
                transport.framing().offersStartTls() ? tls : null, encrypted, clientAddress, handlers, registry, gate,
                settings.limits().loginTimeout(), settings.outbound(), settings.inbound()));
    }
}
