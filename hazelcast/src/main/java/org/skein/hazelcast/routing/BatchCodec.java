package org.skein.hazelcast.routing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.skein.routing.Addressing;

/**
 * The bytes of a batch: a magic number, the entry count, then per entry the number of recipients
 * (1 to {@value QueuedStanza#MAX_RECIPIENTS}), the addressing ({@link Addressing#code()}), each
 * recipient's full JID and the stanza's XML, each as a length and UTF-8 bytes. Unicast and multicast
 * entries share one sequence, so their order from one sender is kept. Only bytes cross the wire,
 * never Java objects. Decoding checks every count and length against what is left, so bad bytes give
 * a clear {@link IllegalArgumentException}, never an out-of-memory or a partial read.
 */
final class BatchCodec {

    /** "SKR2": Skein router, version 2 (entries with several recipients). */
    static final int MAGIC = 0x534B5232;

    private BatchCodec() {
    }

    static byte[] encode(List<QueuedStanza> stanzas) {
        List<byte[][]> recipients = new ArrayList<>(stanzas.size());
        int size = 8;
        for (QueuedStanza stanza : stanzas) {
            byte[][] bytes = new byte[stanza.recipients().size()][];
            size += 5 + 4 + stanza.xml().length;
            for (int r = 0; r < bytes.length; r++) {
                bytes[r] = stanza.recipients().get(r).getBytes(StandardCharsets.UTF_8);
                size += 4 + bytes[r].length;
            }
            recipients.add(bytes);
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.putInt(MAGIC).putInt(stanzas.size());
        for (int i = 0; i < stanzas.size(); i++) {
            byte[][] bytes = recipients.get(i);
            out.putInt(bytes.length).put(stanzas.get(i).addressing().code());
            for (byte[] recipient : bytes) {
                out.putInt(recipient.length).put(recipient);
            }
            byte[] xml = stanzas.get(i).xml();
            out.putInt(xml.length).put(xml);
        }
        return out.array();
    }

    /**
     * @throws IllegalArgumentException if the bytes are not a batch of this version
     */
    static List<QueuedStanza> decode(byte[] bytes) {
        if (bytes == null) {
            throw new IllegalArgumentException("no batch bytes");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        if (in.remaining() < 8 || in.getInt() != MAGIC) {
            throw new IllegalArgumentException("not a stanza batch of version 2 (" + bytes.length + " bytes, wrong magic number)");
        }
        int count = in.getInt();
        // every entry takes at least 13 bytes, so a count beyond that is a lie
        if (count < 0 || count > in.remaining() / 13) {
            throw new IllegalArgumentException("stanza batch claims " + count + " entries in " + bytes.length + " bytes");
        }
        List<QueuedStanza> stanzas = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            if (in.remaining() < 5) {
                throw new IllegalArgumentException("stanza batch ends inside the head of entry " + i);
            }
            int recipientCount = in.getInt();
            if (recipientCount < 1 || recipientCount > QueuedStanza.MAX_RECIPIENTS || recipientCount > in.remaining() / 4) {
                throw new IllegalArgumentException("stanza batch: entry " + i + " claims " + recipientCount + " recipients (1 to "
                        + QueuedStanza.MAX_RECIPIENTS + " allowed)");
            }
            Addressing addressing = Addressing.of(in.get());
            List<String> recipients = new ArrayList<>(recipientCount);
            for (int r = 0; r < recipientCount; r++) {
                recipients.add(new String(chunk(in, i, "recipient"), StandardCharsets.UTF_8));
            }
            stanzas.add(new QueuedStanza(recipients, addressing, chunk(in, i, "stanza")));
        }
        if (in.hasRemaining()) {
            throw new IllegalArgumentException("stanza batch has " + in.remaining() + " bytes after its " + count + " entries");
        }
        return stanzas;
    }

    private static byte[] chunk(ByteBuffer in, int index, String what) {
        if (in.remaining() < 4) {
            throw new IllegalArgumentException("stanza batch ends inside the length of " + what + " of entry " + index);
        }
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw new IllegalArgumentException("stanza batch: " + what + " of entry " + index + " claims " + length + " bytes, "
                    + in.remaining() + " are left");
        }
        byte[] chunk = new byte[length];
        in.get(chunk);
        return chunk;
    }
}
