package org.skein.net.websocket;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;

/**
 * Carries a broken frame past Netty's WebSocket protocol handler, which would close the connection at
 * once, to {@link FramingCodec}, which first ends the XMPP stream with a stream error the client can
 * read. Sits just before the protocol handler. Shareable.
 */
final class BrokenFrames extends ChannelInboundHandlerAdapter {

    static final BrokenFrames INSTANCE = new BrokenFrames();

    /** A frame the WebSocket decoder refused (too large, unmasked, reserved bits...). */
    record Report(CorruptedWebSocketFrameException problem) {
    }

    private BrokenFrames() {
    }

    @Override
    public boolean isSharable() {
        return true;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof CorruptedWebSocketFrameException corrupted) {
            ctx.fireUserEventTriggered(new Report(corrupted));
            return;
        }
        ctx.fireExceptionCaught(cause);
    }
}
