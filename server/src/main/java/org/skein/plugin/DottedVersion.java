package org.skein.plugin;

import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A version made of numeric dotted parts, such as {@code 0.1.0} or {@code 4.7}. Anything after the
 * numeric parts (a qualifier such as {@code -SNAPSHOT}, {@code .Final} or {@code -beta2}) is ignored,
 * so {@code 0.1.0-SNAPSHOT} ranks with {@code 0.1.0}. Missing parts count as zero: {@code 0.2} ranks
 * with {@code 0.2.0}. Used to check a plugin's {@code minServerVersion} against the server's version.
 */
final class DottedVersion implements Comparable<DottedVersion> {

    private static final Pattern NUMERIC_PREFIX = Pattern.compile("^(\\d+(?:\\.\\d+)*)");

    private final int[] parts;

    private DottedVersion(int[] parts) {
        this.parts = parts;
    }

    /**
     * @throws IllegalArgumentException if the text does not start with a number, or a part does not
     *     fit in an int
     */
    static DottedVersion parse(String text) {
        Matcher m = NUMERIC_PREFIX.matcher(text.trim());
        if (!m.find()) {
            throw new IllegalArgumentException("'" + text + "' is not a version such as 1.2.3");
        }
        try {
            return new DottedVersion(Arrays.stream(m.group(1).split("\\.")).mapToInt(Integer::parseInt).toArray());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' has a version part that is too large", e);
        }
    }

    boolean isAtLeast(DottedVersion other) {
        return compareTo(other) >= 0;
    }

    @Override
    public int compareTo(DottedVersion other) {
        int length = Math.max(parts.length, other.parts.length);
        for (int i = 0; i < length; i++) {
            int difference = Integer.compare(part(i), other.part(i));
            if (difference != 0) {
                return difference;
            }
        }
        return 0;
    }

    private int part(int index) {
        return index < parts.length ? parts[index] : 0;
    }
}
