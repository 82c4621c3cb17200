package org.skein.hazelcast.routing;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import java.util.List;

/**
 * Cuts a {@link DirectStream} connection into frames (a 4-byte length, then that many bytes). The largest
 * frame allowed is small until the peer is authenticated ({@link DirectFrames#MAX_HANDSHAKE_FRAME}) and is
 * raised then ({@link #allow}), so a stranger cannot make the node buffer much. A length out of bounds is a
 * {@link CorruptedFrameException}: the connection's handler logs it and closes the connection. One per
 * connection; used on its event loop only.
 */
final class DirectFrameDecoder extends ByteToMessageDecoder {

    private int max = DirectFrames.MAX_HANDSHAKE_FRAME;

    /** Allows frames up to this many bytes from now on. */
    void allow(int maxFrame) {
        this.max = maxFrame;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < 4) {
            return;
        }
        int length = in.getInt(in.readerIndex());
        if (length < 1 || length > max) {
            in.skipBytes(in.readableBytes());
            throw new CorruptedFrameException("a frame of " + Integer.toUnsignedString(length) + " bytes (1 to " + max
                    + " allowed here)");
        }
        if (in.readableBytes() < 4 + length) {
            return;
        }
        in.skipBytes(4);
        out.add(in.readRetainedSlice(length));
    }
}
