package org.skein.mam;

import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Where archives are kept (the node's database: {@link JdbcArchiveStore}). Blocks on I/O; thread-safe.
 * Rows of an account go when the account goes (the table references it).
 */
public interface ArchiveStore {

    /** Writes rows, all or none. */
    void append(List<ArchivedMessage> messages);

    /**
     * Up to {@code limit} rows that match, in ascending id order: the first ones, or the last ones when
     * {@code fromEnd}.
     */
    List<ArchivedMessage> select(ArchiveFilter filter, boolean fromEnd, int limit);

    /** How many rows match. */
    long count(ArchiveFilter filter);

    /** Which of these ids are in the account's archive. */
    Set<String> existing(String owner, Collection<String> ids);

    /** Removes rows by id (a message that was archived and then bounced). */
    void remove(String owner, Collection<String> ids);

    /** Empties one archive; returns how many rows went. */
    long removeAll(String owner);

    /** Removes every row archived before {@code cutoff}, {@code batch} rows per statement; returns how many went. */
    long removeOlderThan(java.time.Instant cutoff, int batch);

    /** The largest archives: owner, rows and bytes of stanzas, largest first. */
    List<ArchiveSize> largest(int limit);

    /** The size of one archive. */
    record ArchiveSize(String owner, long messages, long bytes) {
    }
}
