package org.skein.net;

import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;
import org.skein.xmpp.stream.StreamFraming;

/**
 * XMPP's own TCP binding (RFC 6120): nothing in front of the XML stream but idle detection; TLS is
 * added in front when the client starts it.
 */
final class TcpTransport implements C2sTransport {

    static final TcpTransport INSTANCE = new TcpTransport();

    private TcpTransport() {
    }

    @Override
    public String name() {
        return "tcp";
    }

    @Override
    public StreamFraming framing() {
        return StreamFraming.XML_STREAM;
    }

    /** Smack's TCP connection writes what it had queued for its previous connection before the new header. */
    @Override
    public boolean dropsElementsBeforeHeader() {
        return true;
    }

    @Override
    public void initChannel(SocketChannel channel, C2sSettings settings, StreamStarter stream) {
        if (settings.idleTimeout() != null) {
            channel.pipeline().addLast(C2sInitializer.IDLE,
                    new IdleStateHandler(settings.idleTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS));
        }
        stream.start(channel, false, null);
    }
}
