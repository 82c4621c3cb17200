package org.skein.blocking;

import java.util.Collection;
import java.util.Set;

/**
 * Where block lists are kept (the database): per user, the blocked JIDs (normalised, in string form).
 * Thread-safe; blocks on I/O, so never call it from a network event-loop thread. Usernames are
 * normalised.
 */
public interface BlockListStore {

    /** The user's blocked JIDs, sorted; empty if none. */
    Set<String> items(String username);

    /**
     * Adds JIDs to the user's list (those it holds already stay).
     *
     * @throws org.skein.storage.StorageException if the user does not exist or the database fails
     */
    void add(String username, Collection<String> jids);

    /** Removes JIDs from the user's list (those it does not hold are ignored). */
    void remove(String username, Collection<String> jids);

    /** Empties the user's list. */
    void clear(String username);
}
