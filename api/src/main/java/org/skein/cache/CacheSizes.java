package org.skein.cache;

import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.Collection;
import java.util.Map;
import java.util.UUID;

/**
 * Estimates of the heap taken by cache keys and values, in bytes, so that a cache's byte budget
 * means something. The figures follow a 64-bit JVM with compressed references (12-byte object
 * headers rounded to 16, 4-byte references) and compact strings; they are estimates, not
 * measurements, and err on the high side.
 *
 * <p>Known types: {@code null}, {@link Cacheable}, {@link String}, boxed primitives, {@link UUID},
 * primitive and object arrays, {@link Collection}s, {@link Map}s and enums. Any other
 * {@link Serializable} value is measured by serializing it, which is slow: implement
 * {@link Cacheable} for values written often. A value that is neither counts as
 * {@link #UNKNOWN_OBJECT} bytes.
 */
public final class CacheSizes {

    /** Bytes for a plain object header with no fields. */
    public static final int OBJECT = 16;
    /** Bytes for one reference field. */
    public static final int REFERENCE = 4;
    /** Bytes counted for a value whose size cannot be estimated at all. */
    public static final int UNKNOWN_OBJECT = 64;

    private static final int STRING = 24 + 16; // String object plus its byte[] header
    private static final int COLLECTION_ENTRY = 32; // a hash node or list slot with its links

    private CacheSizes() {
    }

    /** The estimated size of a key and its value together; never negative, at most {@link Integer#MAX_VALUE}. */
    public static int sizeOfEntry(Object key, Object value) {
        long size = sizeOf(key) + sizeOf(value) + COLLECTION_ENTRY;
        return size > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) size;
    }

    /** The estimated size of any object, in bytes. */
    public static long sizeOf(Object o) {
        if (o == null) {
            return 0;
        }
        if (o instanceof String) {
            return sizeOf((String) o);
        }
        if (o instanceof Cacheable) {
            return Math.max(0, ((Cacheable) o).getCachedSize());
        }
        if (o instanceof Long || o instanceof Double) {
            return 24;
        }
        if (o instanceof Integer || o instanceof Float || o instanceof Short || o instanceof Byte
                || o instanceof Character || o instanceof Boolean) {
            return OBJECT;
        }
        if (o instanceof Enum) {
            return REFERENCE; // enum constants are shared; only the reference counts
        }
        if (o instanceof UUID) {
            return 32;
        }
        if (o instanceof byte[]) {
            return OBJECT + ((byte[]) o).length;
        }
        if (o instanceof char[]) {
            return OBJECT + 2L * ((char[]) o).length;
        }
        if (o instanceof int[]) {
            return OBJECT + 4L * ((int[]) o).length;
        }
        if (o instanceof long[]) {
            return OBJECT + 8L * ((long[]) o).length;
        }
        if (o instanceof Object[]) {
            long size = OBJECT;
            for (Object element : (Object[]) o) {
                size += REFERENCE + sizeOf(element);
            }
            return size;
        }
        if (o instanceof Collection) {
            long size = OBJECT + 32;
            for (Object element : (Collection<?>) o) {
                size += COLLECTION_ENTRY + sizeOf(element);
            }
            return size;
        }
        if (o instanceof Map) {
            long size = OBJECT + 48;
            for (Map.Entry<?, ?> entry : ((Map<?, ?>) o).entrySet()) {
                size += COLLECTION_ENTRY + sizeOf(entry.getKey()) + sizeOf(entry.getValue());
            }
            return size;
        }
        if (o instanceof Serializable) {
            return sizeBySerialization(o);
        }
        return UNKNOWN_OBJECT;
    }

    /** A string with compact (one byte per Latin-1 character) storage. */
    public static long sizeOf(String s) {
        return s == null ? 0 : STRING + s.length();
    }

    private static long sizeBySerialization(Object o) {
        CountingOutputStream counter = new CountingOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(counter)) {
            out.writeObject(o);
        } catch (IOException | RuntimeException e) {
            return UNKNOWN_OBJECT;
        }
        // serialized form is denser than the heap form: headers and references are not in it
        return OBJECT + 2L * counter.count;
    }

    private static final class CountingOutputStream extends OutputStream {
        private long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }
}
