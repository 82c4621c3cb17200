package org.skein.mam;

import java.util.List;
import java.util.Objects;

/**
 * Which rows of one archive a query reads, in the store's terms: the other party (a bare JID, and a
 * resource when the query named a full JID), ids strictly between two bounds (each {@code null} for
 * none; ids compare as strings), and a set of ids (empty for any).
 */
public record ArchiveFilter(String owner, String withBare, String withResource, String after, String before, List<String> ids) {

    public ArchiveFilter {
        Objects.requireNonNull(owner, "owner");
        ids = List.copyOf(ids);
    }

    /** The whole archive of an account. */
    public static ArchiveFilter all(String owner) {
        return new ArchiveFilter(owner, null, null, null, null, List.of());
    }

    /** The same filter with tighter bounds (each {@code null} for none): the larger lower, the smaller upper bound. */
    public ArchiveFilter withBounds(String lower, String upper) {
        return within(lower, upper);
    }

    /** The same filter with tighter bounds: the larger lower bound and the smaller upper bound. */
    ArchiveFilter within(String lower, String upper) {
        return new ArchiveFilter(owner, withBare, withResource, max(after, lower), min(before, upper), ids);
    }

    private static String max(String a, String b) {
        return a == null ? b : b == null ? a : a.compareTo(b) >= 0 ? a : b;
    }

    private static String min(String a, String b) {
        return a == null ? b : b == null ? a : a.compareTo(b) <= 0 ? a : b;
    }
}
