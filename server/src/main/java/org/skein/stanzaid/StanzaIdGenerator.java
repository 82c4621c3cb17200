package org.skein.stanzaid;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import org.skein.cluster.NodeID;

/**
 * Makes stanza ids that are unique across the cluster without coordination, and ordered by time.
 *
 * <p>An id is 19 characters: 11 for a time value and 8 for a tag of the node's id, both in the
 * "base32hex" alphabet {@code 0-9a-v}, whose characters sort in the order of their values. The time
 * value is microseconds since the epoch on this node's clock, made strictly increasing on this node (two
 * ids in one microsecond take the next one), so two ids of one node never share it; ids of two nodes
 * differ by the tag (40 bits of a SHA-256 of the node id). Comparing two ids as strings compares their
 * times first: the archive uses the id as its paging key, and a time as a bound on ids
 * ({@link #lowestIdAt}).
 *
 * <p>A node's clock may be behind another's; {@link #raiseFloor} lets the archive make every id issued
 * from now on larger than a value seen elsewhere (see {@code org.skein.mam.MessageArchive}). Thread-safe.
 */
public final class StanzaIdGenerator {

    /** Length of an id. */
    public static final int LENGTH = 19;
    private static final int TIME_CHARS = 11;
    private static final int TAG_CHARS = 8;
    private static final char[] DIGITS = "0123456789abcdefghijklmnopqrstuv".toCharArray();

    private final Clock clock;
    private final String tag;
    private long last;

    public StanzaIdGenerator(NodeID node, Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.tag = tagOf(Objects.requireNonNull(node, "node"));
    }

    /** A new time value: larger than every value this generator returned or was raised to. */
    public synchronized long nextValue() {
        Instant now = clock.instant();
        long micros = Math.multiplyExact(now.getEpochSecond(), 1_000_000L) + now.getNano() / 1_000;
        last = Math.max(last + 1, micros);
        return last;
    }

    /** The largest time value issued (or raised to) so far. */
    public synchronized long highest() {
        return last;
    }

    /** Makes every value issued from now on larger than {@code value}. */
    public synchronized void raiseFloor(long value) {
        last = Math.max(last, value);
    }

    /** The id of a time value issued by this generator. */
    public String format(long value) {
        return encode(value, TIME_CHARS) + tag;
    }

    /** A new id ({@link #nextValue()} formatted). */
    public String next() {
        return format(nextValue());
    }

    /** Whether a string has the shape of an id made here (any node). */
    public static boolean isWellFormed(String id) {
        if (id == null || id.length() != LENGTH) {
            return false;
        }
        for (int i = 0; i < LENGTH; i++) {
            char c = id.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'v'))) {
                return false;
            }
        }
        return true;
    }

    /** The time value of an id (microseconds since the epoch). */
    public static long valueOf(String id) {
        if (!isWellFormed(id)) {
            throw new IllegalArgumentException("not a stanza id of this server: '" + id + "'");
        }
        long value = 0;
        for (int i = 0; i < TIME_CHARS; i++) {
            char c = id.charAt(i);
            value = (value << 5) | (c <= '9' ? c - '0' : c - 'a' + 10);
        }
        return value;
    }

    /** When an id was issued. */
    public static Instant instantOf(String id) {
        long value = valueOf(id);
        return Instant.ofEpochSecond(Math.floorDiv(value, 1_000_000L), Math.floorMod(value, 1_000_000L) * 1_000L);
    }

    /**
     * The smallest string that sorts after no id issued before {@code micros}: every id issued at or
     * after it is {@code >=} this bound, every id issued before it is {@code <}.
     */
    public static String lowestIdAt(long micros) {
        return encode(Math.max(0, micros), TIME_CHARS);
    }

    /** {@link #lowestIdAt} of an instant. */
    public static String lowestIdAt(Instant instant) {
        return lowestIdAt(Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000));
    }

    private static String encode(long value, int chars) {
        char[] out = new char[chars];
        long v = value;
        for (int i = chars - 1; i >= 0; i--) {
            out[i] = DIGITS[(int) (v & 31)];
            v >>>= 5;
        }
        return new String(out);
    }

    private static String tagOf(NodeID node) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(node.value().getBytes(StandardCharsets.UTF_8));
            long bits = 0;
            for (int i = 0; i < 5; i++) {
                bits = (bits << 8) | (digest[i] & 0xff);
            }
            return encode(bits, TAG_CHARS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }
}
