package org.skein.hazelcast.routing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The bytes of a batch: a magic number, the stanza count, then per stanza the recipient's full JID
 * and the stanza's XML, each as a length and UTF-8 bytes. Only bytes cross the wire, never Java
 * objects. Decoding checks every length against what is left, so bad bytes give a clear
 * {@link IllegalArgumentException}, never an out-of-memory or a partial read.
 */
final class BatchCodec {

    /** "SKR1": Skein router, version 1. */
    static final int MAGIC = 0x534B5231;

    private BatchCodec() {
    }

    static byte[] encode(List<QueuedStanza> stanzas) {
        byte[][] recipients = new byte[stanzas.size()][];
        int size = 8;
        for (int i = 0; i < stanzas.size(); i++) {
            recipients[i] = stanzas.get(i).recipient().getBytes(StandardCharsets.UTF_8);
            size += 8 + recipients[i].length + stanzas.get(i).xml().length;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.putInt(MAGIC).putInt(stanzas.size());
        for (int i = 0; i < stanzas.size(); i++) {
            out.putInt(recipients[i].length).put(recipients[i]);
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
            throw new IllegalArgumentException("not a stanza batch (" + bytes.length + " bytes, wrong magic number)");
        }
        int count = in.getInt();
        // every stanza takes at least 8 bytes, so a count beyond that is a lie
        if (count < 0 || count > in.remaining() / 8) {
            throw new IllegalArgumentException("stanza batch claims " + count + " stanzas in " + bytes.length + " bytes");
        }
        List<QueuedStanza> stanzas = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String recipient = new String(chunk(in, i, "recipient"), StandardCharsets.UTF_8);
            stanzas.add(new QueuedStanza(recipient, chunk(in, i, "stanza")));
        }
        if (in.hasRemaining()) {
            throw new IllegalArgumentException("stanza batch has " + in.remaining() + " bytes after its " + count + " stanzas");
        }
        return stanzas;
    }

    private static byte[] chunk(ByteBuffer in, int index, String what) {
        if (in.remaining() < 4) {
            throw new IllegalArgumentException("stanza batch ends inside the length of " + what + " " + index);
        }
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw new IllegalArgumentException("stanza batch: " + what + " " + index + " claims " + length + " bytes, "
                    + in.remaining() + " are left");
        }
        byte[] chunk = new byte[length];
        in.get(chunk);
        return chunk;
    }
}
