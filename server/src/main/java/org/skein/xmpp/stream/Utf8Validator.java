package org.skein.xmpp.stream;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;

/**
 * A strict, streaming UTF-8 check (RFC 3629 section 4): overlong forms (such as {@code C0 80} for
 * U+0000 or {@code C0 BC} for {@code <}), UTF-16 surrogates, code points above U+10FFFF and stray
 * continuation bytes are invalid. Aalto decodes overlong and out-of-range sequences without a word,
 * so every byte is checked here before the parser sees it. A sequence may be split over several
 * buffers; the state between them is kept. One per stream; not thread-safe.
 */
final class Utf8Validator implements ByteProcessor {

    /** Continuation bytes still expected for the current sequence. */
    private int needed;
    /** The range the next continuation byte must be in (narrower after E0, ED, F0 and F4). */
    private int lower = 0x80;
    private int upper = 0xBF;

    /** The reader index of the first invalid byte among the buffer's readable bytes, or -1 if they are all valid so far. */
    int firstInvalid(ByteBuf buf) {
        return buf.forEachByte(this);
    }

    /** The index of the first invalid byte of {@code bytes}, or -1; also -1 only if no sequence is left incomplete. */
    static int firstInvalid(byte[] bytes) {
        Utf8Validator validator = new Utf8Validator();
        for (int i = 0; i < bytes.length; i++) {
            if (!validator.process(bytes[i])) {
                return i;
            }
        }
        return validator.needed == 0 ? -1 : bytes.length;
    }

    /** Forgets a sequence in progress (a new stream starts). */
    void reset() {
        needed = 0;
        lower = 0x80;
        upper = 0xBF;
    }

    /** Takes one byte; {@code false} if it cannot be where it is (the state is left as it was). */
    @Override
    public boolean process(byte value) {
        int b = value & 0xFF;
        if (needed == 0) {
            if (b < 0x80) {
                return true;
            }
            return lead(b);
        }
        if (b < lower || b > upper) {
            return false;
        }
        needed--;
        lower = 0x80;
        upper = 0xBF;
        return true;
    }

    private boolean lead(int b) {
        if (b >= 0xC2 && b <= 0xDF) {
            return expect(1, 0x80, 0xBF);
        }
        if (b == 0xE0) {
            return expect(2, 0xA0, 0xBF); // E0 80..9F would be overlong
        }
        if (b == 0xED) {
            return expect(2, 0x80, 0x9F); // ED A0..BF would be a surrogate
        }
        if (b >= 0xE1 && b <= 0xEF) {
            return expect(2, 0x80, 0xBF);
        }
        if (b == 0xF0) {
            return expect(3, 0x90, 0xBF); // F0 80..8F would be overlong
        }
        if (b >= 0xF1 && b <= 0xF3) {
            return expect(3, 0x80, 0xBF);
        }
        if (b == 0xF4) {
            return expect(3, 0x80, 0x8F); // F4 90 and above is beyond U+10FFFF
        }
        return false; // 80..C1 (continuation or overlong lead), F5..FF
    }

    private boolean expect(int count, int low, int high) {
        needed = count;
        lower = low;
        upper = high;
        return true;
    }
}
