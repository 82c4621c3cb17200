package org.skein.bench.c2s;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/** Counts occurrences of a fixed ASCII pattern in a byte stream that arrives in pieces. Not thread-safe. */
final class PatternCounter {

    private final byte[] pattern;
    private int matched;

    PatternCounter(String pattern) {
        this.pattern = pattern.getBytes(StandardCharsets.US_ASCII);
    }

    /** How many complete occurrences end in this buffer (its reader index is not moved). */
    int count(ByteBuf buf) {
        int found = 0;
        int end = buf.writerIndex();
        for (int i = buf.readerIndex(); i < end; i++) {
            byte b = buf.getByte(i);
            if (b == pattern[matched]) {
                matched++;
                if (matched == pattern.length) {
                    found++;
                    matched = 0;
                }
            } else {
                // patterns here start with '<' and contain no other '<', so a restart at b is enough
                matched = b == pattern[0] ? 1 : 0;
            }
        }
        return found;
    }
}
