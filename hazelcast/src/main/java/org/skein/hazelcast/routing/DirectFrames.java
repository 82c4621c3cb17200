package org.skein.hazelcast.routing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * The frames of a {@link DirectStream} connection, each behind a 4-byte length (added and removed by Netty's
 * length-field codecs). The first byte names the frame. Reading checks every length and throws
 * {@link IllegalArgumentException} with what is wrong; the caller logs it and closes the connection.
 */
final class DirectFrames {

    static final byte HELLO = 1;
    static final byte CHALLENGE = 2;
    static final byte AUTH = 3;
    static final byte BATCH = 16;
    static final byte ANSWER = 17;
    static final byte FAILURE = 18;

    /** The largest frame before the peer is authenticated. */
    static final int MAX_HANDSHAKE_FRAME = 1024;
    private static final int MAX_TEXT = 512;

    private DirectFrames() {
    }

    /** A received batch: its request id and the batch. */
    record Batch(long request, StanzaBatch batch) {
    }

    static ByteBuf hello(ByteBufAllocator alloc, String node, byte[] nonce) {
        ByteBuf out = alloc.buffer();
        out.writeByte(HELLO).writeInt(DirectHandshake.MAGIC);
        text(out, node);
        bytes(out, nonce);
        return out;
    }

    static ByteBuf challenge(ByteBufAllocator alloc, String node, byte[] nonce, byte[] proof) {
        ByteBuf out = alloc.buffer();
        out.writeByte(CHALLENGE);
        text(out, node);
        bytes(out, nonce);
        bytes(out, proof);
        return out;
    }

    static ByteBuf auth(ByteBufAllocator alloc, byte[] proof) {
        ByteBuf out = alloc.buffer();
        out.writeByte(AUTH);
        bytes(out, proof);
        return out;
    }

    static ByteBuf batch(ByteBufAllocator alloc, long request, StanzaBatch batch) {
        ByteBuf out = alloc.buffer(64 + batch.bytes().length);
        out.writeByte(BATCH).writeLong(request);
        text(out, batch.sender());
        text(out, batch.epoch());
        out.writeLong(batch.stream()).writeLong(batch.seq());
        StanzaBatch.Timing timing = batch.timing();
        out.writeLong(timing.sentAt()).writeLong(timing.timeoutNanos()).writeLong(timing.silenceNanos());
        out.writeInt(batch.bytes().length).writeBytes(batch.bytes());
        return out;
    }

    static ByteBuf answer(ByteBufAllocator alloc, long request, long answer) {
        return alloc.buffer(17).writeByte(ANSWER).writeLong(request).writeLong(answer);
    }

    static ByteBuf failure(ByteBufAllocator alloc, long request, String message) {
        ByteBuf out = alloc.buffer();
        out.writeByte(FAILURE).writeLong(request);
        text(out, message.length() > MAX_TEXT ? message.substring(0, MAX_TEXT) : message);
        return out;
    }

    /** Reads a batch frame whose type byte was read. */
    static Batch readBatch(ByteBuf in) {
        long request = readLong(in, "request id");
        String sender = readText(in, "sender");
        String epoch = readText(in, "epoch");
        long stream = readLong(in, "stream");
        long seq = readLong(in, "sequence number");
        long sentAt = readLong(in, "time sent");
        long timeout = readLong(in, "timeout");
        long silence = readLong(in, "silence bound");
        byte[] bytes = readBytes(in, "stanzas", Integer.MAX_VALUE);
        end(in);
        return new Batch(request, new StanzaBatch(org.skein.cluster.NodeID.of(sender), epoch, stream, seq,
                new StanzaBatch.Timing(sentAt, timeout, silence), bytes));
    }

    static void text(ByteBuf out, String text) {
        bytes(out, text.getBytes(StandardCharsets.UTF_8));
    }

    static void bytes(ByteBuf out, byte[] bytes) {
        out.writeInt(bytes.length).writeBytes(bytes);
    }

    static long readLong(ByteBuf in, String what) {
        if (in.readableBytes() < 8) {
            throw new IllegalArgumentException("the frame ends inside the " + what);
        }
        return in.readLong();
    }

    static String readText(ByteBuf in, String what) {
        return new String(readBytes(in, what, MAX_TEXT * 4), StandardCharsets.UTF_8);
    }

    static byte[] readBytes(ByteBuf in, String what, int max) {
        if (in.readableBytes() < 4) {
            throw new IllegalArgumentException("the frame ends inside the length of the " + what);
        }
        int length = in.readInt();
        if (length < 0 || length > max || length > in.readableBytes()) {
            throw new IllegalArgumentException("the " + what + " claims " + length + " bytes, " + in.readableBytes() + " are left");
        }
        byte[] bytes = new byte[length];
        in.readBytes(bytes);
        return bytes;
    }

    static void end(ByteBuf in) {
        if (in.isReadable()) {
            throw new IllegalArgumentException("the frame has " + in.readableBytes() + " bytes too many");
        }
    }
}
